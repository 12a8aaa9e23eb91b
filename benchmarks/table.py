"""The whole benchmark set on the county at scale (issue 14), as one results table.

`make bench` (or `python -m benchmarks`, `python -m benchmarks table`) on PostgreSQL
(DATABASE_URL names the server): builds the county once in `bastion_bench_scale` (see
benchmarks/scale.py; reused afterwards), then runs each benchmark beside the floor of the
stack measured in the same run and prints

    benchmark | Bastion | baseline | ratio | target | met?

`--only import|followup|rollups|pages|dashboard|briefing` (repeatable) picks benchmarks; every one is
bounded (`--runs`, `--duration`, `--import-rows`). Roster imports run in their own
database `bastion_bench_import` (the county's people stay as they are). Results also go
to benchmarks/out/table.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.monitoring import _timed

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).parent / "out"
IMPORT_DB = "bastion_bench_import"
CASES = ["import", "followup", "rollups", "pages", "dashboard", "briefing"]


def row(benchmark, figure, baseline=None, *, target="", met=None, unit="ms", lower=True) -> dict:
    """One line of the table; ratio is Bastion / baseline for times, baseline / Bastion for
    rates (so above 1 always means slower than the floor)."""
    ratio = None
    if baseline and figure:
        ratio = round(figure / baseline if lower else baseline / figure, 2)
    return {
        "benchmark": benchmark,
        "figure": figure,
        "baseline": baseline,
        "ratio": ratio,
        "unit": unit,
        "target": target,
        "met": met,
    }


# --- Roll-ups: Bastion's selectors against the raw GROUP BY ---------------------------


def _levels() -> list[tuple[str, str, str]]:
    """(level, username, region code): county command, a town officer, a grid worker."""
    from django.contrib.auth import get_user_model

    from bastion.access.models import RoleAssignment

    out = []
    for level, username in (
        ("county", "bench_command"),
        ("town", "bench_town"),
        ("grid", "bench_grid"),
    ):
        user = get_user_model().objects.get(username=username)
        assignment = RoleAssignment.objects.filter(user=user).order_by("pk").first()
        out.append((level, username, assignment.region.code))
    return out


RAW_PEOPLE_SQL = """
SELECT p.region_id, COUNT(*) FROM people_person p
WHERE p.path LIKE %(prefix)s AND p.created_at <= %(now)s GROUP BY p.region_id
"""
RAW_HOUSEHOLDS_SQL = """
SELECT h.region_id, COUNT(*) FROM geo_household h
WHERE h.path LIKE %(prefix)s AND h.created_at <= %(now)s GROUP BY h.region_id
"""


def _raw_sum(sql: str, prefix: str, now) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, {"prefix": prefix + "%", "now": now})
        return sum(n for _key, n in cursor.fetchall())


def measure_indicator(*, code: str, sql: str, username: str, region_code: str, runs: int) -> dict:
    """reports.selectors.indicator_value (the dashboards' and reports' path: scope, grants,
    as-of) against the raw GROUP BY; both must give the same figure."""
    from django.contrib.auth import get_user_model

    from bastion.geo.models import Region
    from bastion.reports.selectors import indicator_value

    User = get_user_model()  # noqa: N806
    path = Region.objects.get(code=region_code).path
    value = indicator_value(
        user=User.objects.get(username=username), code=code, region_code=region_code
    )
    raw = _raw_sum(sql, path, value.as_of)

    def selector():
        fresh = User.objects.get(username=username)  # no cached grants: as a request
        return indicator_value(user=fresh, code=code, region_code=region_code).value

    return {
        "value": value.value,
        "raw": raw,
        "agree": value.value == raw,
        "selector": _timed(selector, runs),
        "raw_sql": _timed(lambda: _raw_sum(sql, path, value.as_of), runs),
    }


def measure_coverage(*, username: str, region_code: str, runs: int) -> dict:
    """campaigns' coverage() against the raw GROUP BY over the visit states."""
    from django.contrib.auth import get_user_model

    from bastion.campaigns.models import Campaign
    from bastion.campaigns.selectors.campaigns import focus_path
    from bastion.campaigns.selectors.coverage import coverage
    from bastion.geo.models import Region
    from benchmarks.campaigns import raw_totals

    User = get_user_model()  # noqa: N806
    region = Region.objects.get(code=region_code)
    campaign = Campaign.objects.get(name="全县地毯式排查")
    user = User.objects.get(username=username)
    focus = focus_path(user=user, campaign=campaign)
    raw_path = focus if focus.startswith(region.path) else region.path

    def selector():
        fresh = User.objects.get(pk=user.pk)
        return coverage(user=fresh, campaign=Campaign.objects.get(pk=campaign.pk), region=region)

    result = selector()
    mine = {"households": result.totals.households, **result.totals.outcomes}
    raw = raw_totals(campaign, raw_path)
    return {
        "agree": all(mine.get(k, 0) == v for k, v in raw.items()),
        "selector": _timed(selector, runs),
        "raw_sql": _timed(lambda: raw_totals(campaign, raw_path), runs),
    }


def rollup_rows(runs: int = 10) -> list[dict]:
    from benchmarks.monitoring import measure_counts

    rows = []
    for level, username, code in _levels():
        cases = {
            "monitoring counts": measure_counts(username=username, region_code=code, runs=runs),
            "campaign coverage": measure_coverage(username=username, region_code=code, runs=runs),
            "people (indicator)": measure_indicator(
                code="people", sql=RAW_PEOPLE_SQL, username=username, region_code=code, runs=runs
            ),
            "households (indicator)": measure_indicator(
                code="households",
                sql=RAW_HOUSEHOLDS_SQL,
                username=username,
                region_code=code,
                runs=runs,
            ),
        }
        for name, m in cases.items():
            figure, floor = m["selector"]["median_ms"], max(m["raw_sql"]["median_ms"], 0.01)
            label = f"{name}, {level}" + ("" if m["agree"] else " (figures DIFFER)")
            rows.append(
                row(label, figure, floor, target="≤ 2× raw GROUP BY", met=figure <= 2 * floor)
            )
    return rows


# --- Pages: the grid worker's today page, a volunteer's nearby tasks, the briefing -----


def page_rows(runs: int = 20) -> list[dict]:
    from benchmarks.monitoring import measure_today_page
    from benchmarks.volunteers import measure_nearby

    rows = []
    page = measure_today_page(username="bench_grid", runs=runs)
    rows.append(
        row(
            "grid worker's today page (GET)",
            page["median_ms"],
            target="< 50 ms",
            met=page["p95_ms"] < 50,
        )
    )
    rows[-1]["p95"] = page["p95_ms"]
    for username, label in (
        ("bench_volunteer", "community"),
        ("bench_volunteer_county", "county-wide"),
    ):
        m = measure_nearby(username=username, runs=runs)
        median, floor = m["selector"]["median_ms"], m["raw_sql"]["median_ms"]
        rows.append(
            row(
                f"nearby tasks, {label} volunteer",
                median,
                floor,
                target="< 50 ms",
                met=m["selector"]["p95_ms"] < 50,
            )
        )
        rows[-1]["p95"] = m["selector"]["p95_ms"]
    return rows


def _county():
    from bastion.geo.models import Level, Region

    return Region.objects.get(level=Level.COUNTY)


def _command_client():
    """The county command's client with a verified second factor (benchmarks.command)."""
    from django.test.utils import setup_test_environment

    from benchmarks.command import _client

    try:
        setup_test_environment()
    except RuntimeError:
        pass  # already set up (under pytest)
    return _client("bench_command")


def dashboard_rows(runs: int = 10) -> list[dict]:
    """The county dashboard page as the county command, server time in process: cold
    (cache cleared before each request: every indicator evaluated) and warm (the live
    bucket of decision 0070). Issue 12's target: under 300 ms with 1M residents."""
    from django.core.cache import cache

    client = _command_client()
    url = f"/reports/dashboard/?region={_county().code}"

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"dashboard answered {response.status_code}")

    def cold():
        cache.clear()
        get()

    get()  # warm the process (URLconf, templates)
    rows = []
    for label, fn in (("cold", cold), ("warm", get)):
        m = _timed(fn, runs)
        rows.append(
            row(
                f"county dashboard page, {label} (GET)",
                m["median_ms"],
                target="< 300 ms",
                met=m["p95_ms"] < 300,
            )
        )
        rows[-1]["p95"] = m["p95_ms"]
    return rows


def briefing_rows(runs: int = 10) -> list[dict]:
    """The county briefing written afresh from the indicators as the county command
    (`reports.services.briefing_generate`: every figure, exemplars, saved). Target 3 s."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bastion.reports.models import Briefing
    from bastion.reports.services import briefing_generate

    county = _county()
    user = get_user_model().objects.get(username="bench_command")

    def generate():
        Briefing.objects.filter(region=county).delete()
        briefing_generate(user=user, region=county, day=timezone.localdate())

    m = _timed(generate, max(1, runs // 2))
    result = row("county briefing (generate)", m["median_ms"], target="< 3 s")
    result["met"] = m["p95_ms"] < 3000
    result["p95"] = m["p95_ms"]
    return [result]


# --- Roster import: .csv and .xlsx against raw COPY / executemany ----------------------


def import_rows_inprocess(csv_path: Path, xlsx_path: Path) -> list[dict]:
    """The import cases in this process on the current database (the smoke test's path)."""
    from benchmarks import roster

    rows = []
    roster.clear_people()
    floor = roster.measure_floor(csv_path)
    for kind, path in (("csv", csv_path), ("xlsx", xlsx_path)):
        roster.clear_people()
        m = roster.measure_import(path)
        rows.append(_import_row(kind, m, floor))
    return rows


def _import_row(kind: str, m: dict, floor: dict) -> dict:
    target = "≥ 50,000 rows/s, flat memory" if kind == "csv" else "flat memory"
    met = m["rows_per_s"] >= 50_000 if kind == "csv" else None
    result = row(
        f"roster import .{kind}, {m['rows']:,} rows",
        m["rows_per_s"],
        floor["rows_per_s"],
        target=target,
        met=met,
        unit="rows/s",
        lower=False,
    )
    result["peak_mb"] = m.get("peak_rss_mb")
    result["floor_kind"] = floor.get("kind", "raw COPY")
    return result


def import_rows(sizes: list[int]) -> list[dict]:
    """Each size: raw COPY, .csv and .xlsx imports, each in a fresh process (its own peak
    RSS) on an emptied people table of bastion_bench_import."""
    from benchmarks import roster

    env = roster.prepare(db=IMPORT_DB)
    rows = []
    for n in sizes:
        csv_path, xlsx_path = roster.ensure_files(n)
        floor = roster.run_child(env, "copy", csv_path)
        floor["kind"] = "raw COPY"
        for kind, path in (("csv", csv_path), ("xlsx", xlsx_path)):
            rows.append(_import_row(kind, roster.run_child(env, "import", path), floor))
        peaks = [r["peak_mb"] for r in rows if r["peak_mb"]]
        print(
            f"  import {n:,}: {[r['figure'] for r in rows[-2:]]} rows/s, peaks {peaks} MB",
            flush=True,
        )
    return rows


# --- Follow-up submission through the HTTP API ----------------------------------------


def followup_rows(env: dict, *, duration: int, workers: int, connections: int) -> list[dict]:
    from benchmarks.monitoring import _run
    from benchmarks.monitoring_load import measure_http

    ids = _run(env, "--child", "ids")
    load = argparse.Namespace(duration=duration, workers=workers, connections=connections)
    try:
        http = measure_http(
            env, ids=ids["ids"], token=ids["token"], bare_observation=ids["ids"][0], args=load
        )
    finally:
        _run(env, "--child", "cleanup", "--mark", str(ids["mark"]))
    api, bare = http["api"], http["bare"]
    served = api["requests"] > 0  # none at all: the workers never answered in time
    met = api["requests_per_s"] >= 1000 and api["p95_ms"] < 50 and http["api_vs_bare"] <= 3
    rps = row(
        f"follow-up POST via API ({workers} gunicorn workers, {duration} s)",
        api["requests_per_s"],
        bare["requests_per_s"],
        target="≥ 1,000/s, p95 < 50 ms, ≤ 3× bare",
        met=met,
        unit="req/s",
        lower=False,
    )
    lat = row(
        "follow-up POST latency p50 / p95 / p99",
        api["p95_ms"],
        bare["p95_ms"],
        target="p95 < 50 ms",
        met=served and api["p95_ms"] < 50,
    )
    lat["detail"] = (
        f"{api['p50_ms']} / {api['p95_ms']} / {api.get('p99_ms')} ms "
        f"(bare {bare['p50_ms']} / {bare['p95_ms']} / {bare.get('p99_ms')} ms)"
    )
    rps["detail"] = f"errors {api['errors']}, non-2xx {api['non_2xx']}"
    return [rps, lat]


# --- The table ------------------------------------------------------------------------


def _fmt(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("rows/s", "req/s"):
        return f"{value:,.0f} {unit}"
    return f"{value:,.1f} {unit}"


def render(rows: list[dict]) -> str:
    header = ["benchmark", "Bastion", "baseline", "ratio", "target", "met?"]
    lines = [header]
    for r in rows:
        figure = _fmt(r["figure"], r["unit"])
        if r.get("p95") is not None:
            figure += f" (p95 {r['p95']:.1f})"
        if r.get("peak_mb"):
            figure += f", peak {r['peak_mb']:.0f} MB"
        met = "—" if r["met"] is None else ("yes" if r["met"] else "NO")
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}"
        lines.append(
            [r["benchmark"], figure, _fmt(r["baseline"], r["unit"]), ratio, r["target"], met]
        )
        if r.get("detail"):
            lines.append(["  " + r["detail"], "", "", "", "", ""])
    widths = [max(_width(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        out.append(
            "  ".join(c + " " * (w - _width(c)) for c, w in zip(line, widths, strict=True)).rstrip()
        )
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown(rows: list[dict]) -> str:
    out = [
        "| benchmark | Bastion | baseline | ratio | target | met? |",
        "|---|---:|---:|---:|---|---|",
    ]
    for r in rows:
        figure = _fmt(r["figure"], r["unit"])
        if r.get("p95") is not None:
            figure += f" (p95 {r['p95']:.1f})"
        if r.get("peak_mb"):
            figure += f", peak {r['peak_mb']:.0f} MB"
        if r.get("detail"):
            figure += f"; {r['detail']}"
        met = "—" if r["met"] is None else ("yes" if r["met"] else "**no**")
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}"
        out.append(
            f"| {r['benchmark']} | {figure} | {_fmt(r['baseline'], r['unit'])} | {ratio} | {r['target']} | {met} |"
        )
    return "\n".join(out)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


# --- Orchestration ---------------------------------------------------------------------


def _child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    rows = []
    if "rollups" in args.only:
        rows += rollup_rows(args.runs)
    if "pages" in args.only:
        rows += page_rows(args.runs * 2)
    if "dashboard" in args.only:
        rows += dashboard_rows(args.runs)
    if "briefing" in args.only:
        rows += briefing_rows(args.runs)
    print(json.dumps(rows, default=str))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks table", description=__doc__)
    parser.add_argument("--only", action="append", choices=CASES, help="repeatable; default all")
    parser.add_argument("--factor", type=float, default=1.0, help="county size if it is built now")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per in-process case")
    parser.add_argument("--duration", type=int, default=10, help="seconds of HTTP load per case")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (2-4)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--import-rows", default="100000,1000000", help="comma-separated roster sizes"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.only = args.only or CASES
    if args.child:
        return _child(args)
    if not 2 <= args.workers <= 4 or not 1 <= args.duration <= 120 or not 1 <= args.runs <= 200:
        raise SystemExit("--workers 2-4, --duration 1-120 s, --runs 1-200 (bounded)")
    from benchmarks.scale import ensure, scale_env

    started = time.perf_counter()
    results: dict = {"at": dt.datetime.now(dt.UTC).isoformat(), "cpus": os.cpu_count()}
    results["county"] = ensure(factor=args.factor)
    env = scale_env()
    print(f"county ready ({time.perf_counter() - started:.0f} s): {results['county']}", flush=True)
    rows: list[dict] = []
    if "import" in args.only:
        rows += import_rows([int(n) for n in args.import_rows.split(",") if n])
    if "followup" in args.only:
        rows += followup_rows(
            env, duration=args.duration, workers=args.workers, connections=args.connections
        )
    inprocess = [c for c in args.only if c in ("rollups", "pages", "dashboard", "briefing")]
    if inprocess:
        cmd = [sys.executable, "-m", "benchmarks.table", "--child", "--runs", str(args.runs)]
        for case in inprocess:
            cmd += ["--only", case]
        out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
        rows += json.loads(out.stdout.strip().splitlines()[-1])
    results["rows"] = rows
    print()
    print(render(rows))
    OUT.mkdir(exist_ok=True)
    (OUT / "table.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    (OUT / "table.md").write_text(markdown(rows) + "\n")
    return 0


if __name__ == "__main__":
    if "--child" in sys.argv:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bastion.settings")
    raise SystemExit(main())
