"""Kill the importing process in the middle of a roster import: nothing is half-imported,
and the same import runs again to the end (and a third run merges, creating nobody).

    .venv/bin/python -m ops.import_kill --rows 30000 --seconds 300

The roster (synthetic, valid ID numbers) goes to one demo grid. The importer is
`bastion import people FILE`; it is killed with SIGKILL once its transaction has
written rows (pg_stat_activity shows a transaction id), so no cleanup code can run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ops import stack


def _roster(path: Path, rows: int, grid_code: str, run: int) -> None:
    """`rows` new people, named 导入<run>-<i>, with ID numbers no earlier run used and none
    of the demo county's (another division: the demo's people would be merged into)."""
    from bastion.core.idnumber import make_id_number

    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["姓名", "身份证号", "手机号", "网格", "户号"])
        for i in range(rows):
            born = dt.date(1950, 1, 1) + dt.timedelta(days=i % 20000)
            number = make_id_number("430124", born, run * 2 + i // 20000)
            writer.writerow([f"导入{run}-{i}", number, f"139{i:08d}", grid_code, f"{i // 4}号"])


def _writing_backend(db: str) -> bool:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        row = c.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL",
            [db],
        ).fetchone()
    return row[0] > 0


def _importer(env: dict, path: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own command
        [str(stack.BIN / "bastion"), "import", "people", str(path), "--as", "admin"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def run(args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bastion-import-kill-"))
    env = stack.environment(args.db, work)
    stack.ensure_database(args.db)
    stack.django_setup(env)
    stack.prepare(args.db)
    from django.db import connection

    from bastion.geo.models import Level, Region
    from bastion.people.models import Person

    grid = Region.objects.filter(level=Level.GRID).order_by("code").last()
    roster = work / "roster.csv"
    run = int(time.time()) % 450 + 20  # sequence codes 40..939, two per run
    tag = f"导入{run}-"
    _roster(roster, args.rows, grid.code, run)
    before = Person.objects.filter(name__startswith=tag).count()
    total_before = Person.objects.count()
    connection.close()
    deadline = time.monotonic() + args.seconds

    importer = _importer(env, roster)
    began = time.monotonic()
    while not _writing_backend(args.db):
        if importer.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the import ended before it could be killed; use more --rows")
        time.sleep(0.05)
    time.sleep(args.kill_after)  # well into the writing
    if importer.poll() is not None:
        raise RuntimeError("the import ended before it could be killed; use more --rows")
    os.kill(importer.pid, signal.SIGKILL)
    importer.wait()
    killed_at = round(time.monotonic() - began, 1)
    while _writing_backend(args.db):  # PostgreSQL notices the dead client and rolls back
        time.sleep(0.1)
    after_kill = Person.objects.filter(name__startswith=tag).count()
    total_after_kill = Person.objects.count()
    connection.close()

    second = _importer(env, roster)
    output, _ = second.communicate(timeout=max(1, deadline - time.monotonic()))
    after_rerun = Person.objects.filter(name__startswith=tag).count()
    connection.close()
    third = _importer(env, roster)
    output3, _ = third.communicate(timeout=max(1, deadline - time.monotonic()))
    after_third = Person.objects.filter(name__startswith=tag).count()
    report = {
        "rows": args.rows,
        "killed_after_seconds": killed_at,
        "people_before": before,
        "people_after_kill": after_kill,
        "all_people_unchanged_by_kill": total_after_kill == total_before,
        "rerun_exit": second.returncode,
        "people_after_rerun": after_rerun,
        "third_run_exit": third.returncode,
        "people_after_third_run": after_third,
    }
    report["passed"] = (
        after_kill == before
        and total_after_kill == total_before
        and second.returncode == 0
        and before == 0
        and after_rerun == args.rows
        and after_third == after_rerun
        and third.returncode == 0
    )
    if not report["passed"]:
        report["rerun_output"] = output[-2000:]
        report["third_output"] = output3[-2000:]
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30000)
    parser.add_argument("--seconds", type=float, default=300, help="upper bound for the run")
    parser.add_argument("--kill-after", type=float, default=1.0,
                        help="seconds after the first rows are written")  # fmt: skip
    parser.add_argument("--db", default="bastion_reliab_ops")
    args = parser.parse_args(argv)
    report = run(args)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
