"""Roster import benchmark: CSV and XLSX imports beside raw COPY of the same rows.

`python -m benchmarks [--rows N] [--quick]` on PostgreSQL (DATABASE_URL; the benchmark
creates and migrates its own database `bastion_bench` on that server and drops nothing
else). Each measurement runs in a fresh subprocess so that its peak RSS
(resource.getrusage ru_maxrss) is its own. Figures go to stdout and to
benchmarks/out/roster_import.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

OUT = Path(__file__).parent / "out"
BENCH_DB = "bastion_bench"
GRIDS = 20
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"
HEADER = ["姓名", "身份证号", "手机号码", "性别", "现住址", "网格编码", "户号", "与户主关系"]


# --- Synthetic rosters ---------------------------------------------------------------


def grid_codes(n: int = GRIDS) -> list[str]:
    return [f"430121001001{i:03d}" for i in range(1, n + 1)]


def roster_rows(n: int):
    """n valid, distinct synthetic people, three to a household, spread over the grids."""
    from bastion.core.idnumber import make_id_number

    grids = grid_codes()
    base = dt.date(1940, 1, 1)
    for i in range(n):
        born = base + dt.timedelta(days=(i // 1000) % 25000)
        seq = i % 1000
        number = make_id_number("430121", born, seq)
        g = len(GIVEN)
        name = SURNAMES[i % 20] + GIVEN[(i // 20) % g] + (GIVEN[(i // 400) % g] if i % 3 else "")
        household = i // 3
        yield [
            name,
            number,
            f"1{3 + i % 7}{i % 1000000000:09d}",
            "男" if seq % 2 else "女",
            f"星沙大道{household}号",
            grids[household % len(grids)],
            f"{household}号",
            "户主" if i % 3 == 0 else "家属",
        ]


def write_csv(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(roster_rows(n))


def _col(i: int) -> str:
    return chr(65 + i)


def write_xlsx(path: Path, n: int) -> None:
    """A minimal workbook with inline strings (what openpyxl and pandas write)."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            batch: list[str] = []
            for number, row in enumerate([HEADER, *[]], start=1):
                batch.append(_xml_row(number, row))
            for number, row in enumerate(roster_rows(n), start=2):
                batch.append(_xml_row(number, row))
                if len(batch) >= 5000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write("".join(batch).encode())
            sheet.write(b"</sheetData></worksheet>")


def _xml_row(number: int, row: list[str]) -> str:
    cells = "".join(
        f'<c r="{_col(i)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        for i, v in enumerate(row)
    )
    return f'<row r="{number}">{cells}</row>'


# --- Measurements (each runs in its own process) -------------------------------------


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_grids():
    """The county, one town, one community and GRIDS grids the rosters point at."""
    from bastion.geo.models import Level, Region
    from bastion.geo.services import region_create

    county = Region.objects.filter(code="430121000000").first() or region_create(
        code="430121000000", name="长沙县", level=Level.COUNTY, parent=None
    )
    town = Region.objects.filter(code="430121001000").first() or region_create(
        code="430121001000", name="星沙街道", level=Level.SUBDISTRICT, parent=county
    )
    community = Region.objects.filter(code="430121001001").first() or region_create(
        code="430121001001", name="松雅社区", level=Level.COMMUNITY, parent=town
    )
    for i, code in enumerate(grid_codes(), start=1):
        if not Region.objects.filter(code=code).exists():
            region_create(code=code, name=f"松雅第{i}网格", level=Level.GRID, parent=community)


def clear_people() -> None:
    """Empty the people and household tables (benchmark database only)."""
    from django.db import connection

    from bastion.geo.models import Household
    from bastion.people.models import Person

    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(
                f"TRUNCATE {Person.tags.through._meta.db_table}, {Person._meta.db_table}, "
                f"{Household._meta.db_table} CASCADE"
            )
            # TRUNCATE fires no triggers: the path tally (decision 0093) starts over too.
            cursor.execute("DELETE FROM core_pathtally WHERE subject IN ('people', 'households')")
    else:
        Person.tags.through.objects.all().delete()
        Person.objects.all().delete()
        Household.objects.all().delete()


def measure_import(path: Path, workers: int | None = None) -> dict:
    """Import `path` as the system actor; rows/s counts rows read (all valid here)."""
    from bastion.people.importing import roster_import
    from bastion.people.models import Person

    started = time.perf_counter()
    report = roster_import(actor=None, source=path, filename=path.name, workers=workers)
    elapsed = time.perf_counter() - started
    if not report.committed:
        raise RuntimeError(f"import failed: {report.file_error or report.errors[:3]}")
    return {
        "rows": report.rows_read,
        "created": report.created,
        "seconds": round(elapsed, 3),
        "rows_per_s": round(report.rows_read / elapsed),
        "peak_rss_mb": round(_rss_mb(), 1),
        "people_in_db": Person.objects.count(),
    }


def measure_raw_copy(path: Path) -> dict:
    """COPY the same rows, encrypted and indexed beforehand (untimed), into the same table."""
    from django.db import connection, transaction

    from bastion.core.tabular import open_table
    from bastion.people.bulk import COPY_COLUMNS
    from bastion.people.importing import COLUMNS, _chunks, _context
    from bastion.people.models import Person

    with open(path, "rb") as handle:
        table = open_table(handle, filename=path.name, columns=COLUMNS)
        ctx = _context(table, actor=None, default_grid=None)
        from bastion.people.bulk import encode_chunk

        payloads = [
            "".join(f"{row.copy_prefix}\t\\N\n" for row in encode_chunk(ctx, chunk).valid)
            for chunk in _chunks(table.raw_rows())
        ]
    rows = sum(p.count("\n") for p in payloads)
    sql = f"COPY {Person._meta.db_table} ({', '.join(COPY_COLUMNS)}) FROM STDIN"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for payload in payloads:
            with cursor.cursor.copy(sql) as copy:
                copy.write(payload)
    elapsed = time.perf_counter() - started
    return {"rows": rows, "seconds": round(elapsed, 3), "rows_per_s": round(rows / elapsed)}


def _encoded_rows(path: Path) -> list:
    """The file's rows validated, encrypted and indexed as the import would (untimed)."""
    from bastion.core.tabular import open_table
    from bastion.people.bulk import encode_chunk
    from bastion.people.importing import COLUMNS, _chunks, _context

    with open(path, "rb") as handle:
        table = open_table(handle, filename=path.name, columns=COLUMNS)
        ctx = _context(table, actor=None, default_grid=None)
        return [
            row for chunk in _chunks(table.raw_rows()) for row in encode_chunk(ctx, chunk).valid
        ]


def measure_raw_executemany(path: Path) -> dict:
    """SQLite's floor: the same rows, encoded beforehand (untimed), inserted with one
    executemany in one transaction."""
    from django.db import connection, transaction

    from bastion.people.bulk import COPY_COLUMNS
    from bastion.people.models import Person

    params = [[*row.copy_prefix.split("\t"), None] for row in _encoded_rows(path)]
    marks = ", ".join(["%s"] * len(COPY_COLUMNS))
    sql = f"INSERT INTO {Person._meta.db_table} ({', '.join(COPY_COLUMNS)}) VALUES ({marks})"  # noqa: S608
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)
    elapsed = time.perf_counter() - started
    rows = len(params)
    return {"rows": rows, "seconds": round(elapsed, 3), "rows_per_s": round(rows / elapsed)}


def measure_floor(path: Path) -> dict:
    """The floor of the stack for this database: raw COPY (PostgreSQL) or executemany."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return {**measure_raw_copy(path), "kind": "raw COPY"}
    return {**measure_raw_executemany(path), "kind": "executemany"}


def _child(args: argparse.Namespace) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bastion.settings")
    django.setup()
    clear_people()
    path = Path(args.file)
    result = measure_floor(path) if args.measure == "copy" else measure_import(path)
    print(json.dumps(result))
    return 0


# --- Orchestration ---------------------------------------------------------------------


def run_child(env: dict, measure: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.roster", "--child", measure, "--file", str(path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def prepare(db: str = BENCH_DB) -> dict:
    """Create (if missing) and migrate `db` on DATABASE_URL's server, with the grids the
    rosters name; the environment for the child processes."""
    from benchmarks.monitoring import _bench_url, _ensure_database

    url = _bench_url(db)
    _ensure_database(url, fresh=False, db=db)
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bastion.settings")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH", "")]
    )
    _setup(env)
    return env


def ensure_files(n: int, *, xlsx: bool = True) -> tuple[Path, Path]:
    """The n-row roster as .csv and .xlsx under benchmarks/out (written once, reused)."""
    OUT.mkdir(exist_ok=True)
    csv_path, xlsx_path = OUT / f"roster_{n}.csv", OUT / f"roster_{n}.xlsx"
    started = time.perf_counter()
    if not csv_path.exists():
        write_csv(csv_path, n)
    if xlsx and not xlsx_path.exists():
        write_xlsx(xlsx_path, n)
    print(f"files ready ({time.perf_counter() - started:.1f}s): {csv_path.name}", flush=True)
    return csv_path, xlsx_path


def _setup(env: dict) -> None:
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "--skip-checks", "-v", "0"],
        env=env,
        check=True,
    )
    code = (
        "import django; django.setup(); from benchmarks.roster import ensure_grids; ensure_grids()"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="20,000 rows")
    parser.add_argument("--child", choices=["import", "copy"], dest="measure")
    parser.add_argument("--file")
    parser.add_argument("--skip-xlsx", action="store_true")
    args = parser.parse_args(argv)
    if args.measure:
        return _child(args)
    n = 20_000 if args.quick else args.rows
    env = prepare()
    csv_path, xlsx_path = ensure_files(n, xlsx=not args.skip_xlsx)
    results = {"rows": n, "cpus": os.cpu_count(), "at": dt.datetime.now(dt.UTC).isoformat()}
    results["raw_copy"] = run_child(env, "copy", csv_path)
    results["csv"] = run_child(env, "import", csv_path)
    if not args.skip_xlsx:
        results["xlsx"] = run_child(env, "import", xlsx_path)
    results["csv_vs_copy"] = round(
        results["csv"]["rows_per_s"] / results["raw_copy"]["rows_per_s"], 2
    )
    print(f"{'case':<10}{'rows':>10}{'seconds':>10}{'rows/s':>10}{'peak MB':>10}")
    for case in ("raw_copy", "csv", "xlsx"):
        if case in results:
            r = results[case]
            rss = r.get("peak_rss_mb", "")
            print(f"{case:<10}{r['rows']:>10}{r['seconds']:>10}{r['rows_per_s']:>10}{rss:>10}")
    print(f"csv import / raw COPY = {results['csv_vs_copy']}")
    (OUT / "roster_import.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
