"""Campaign coverage benchmark: the coverage of a county-wide campaign (300,000 households,
about a million visits) as the county command sees it, beside the raw SQL GROUP BY floor.

`python -m benchmarks campaigns [--households N] [--runs N] [--fresh]` on PostgreSQL
(DATABASE_URL names the server; the benchmark creates and migrates its own database
`bastion_bench_camp` there and drops nothing else). Target: coverage under 200 ms.
Figures go to stdout and to benchmarks/out/campaigns.json.
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

from benchmarks import run_child
from benchmarks.monitoring import _timed

OUT = Path(__file__).parent / "out"
BENCH_DB = "bastion_bench_camp"
ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 200

# The floor: the same two GROUP BYs, hand-written, without scoping, ORM or roll-up.
RAW_HOUSEHOLDS_SQL = """
SELECT h.path, COUNT(*) FROM geo_household h WHERE h.path LIKE %(prefix)s GROUP BY h.path
"""
RAW_STATES_SQL = """
SELECT s.path, s.outcome, COUNT(*) FROM campaigns_visitstate s
WHERE s.campaign_id = %(campaign)s AND s.round = %(round)s AND s.path LIKE %(prefix)s
GROUP BY s.path, s.outcome
"""
# The same shape as the selector's: the per-grid counters instead of the states.
RAW_COUNTERS_SQL = """
SELECT c.path, c.outcome, c.n FROM campaigns_coveragecount c
WHERE c.campaign_id = %(campaign)s AND c.round = %(round)s AND c.path LIKE %(prefix)s AND c.n > 0
"""
# Without the state projection: the latest visit of each household from the ledger.
RAW_LEDGER_SQL = """
SELECT v.outcome, COUNT(*) FROM campaigns_householdvisit v
WHERE v.id IN (SELECT MAX(l.id) FROM campaigns_householdvisit l
               WHERE l.campaign_id = %(campaign)s AND l.round = %(round)s
                 AND l.path LIKE %(prefix)s
               GROUP BY l.household_id)
GROUP BY v.outcome
"""


def raw_totals(campaign, region_path: str, sql: str = RAW_STATES_SQL) -> dict:
    """Households and outcome totals in hand-written SQL (the floor for `coverage`)."""
    from django.db import connection

    params = {"prefix": region_path + "%", "campaign": campaign.pk, "round": campaign.current_round}
    totals = {"households": 0}
    with connection.cursor() as cursor:
        cursor.execute(RAW_HOUSEHOLDS_SQL, params)
        totals["households"] = sum(n for _path, n in cursor.fetchall())
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            outcome, n = row[-2], row[-1]
            totals[outcome] = totals.get(outcome, 0) + n
    return totals


def measure_coverage(*, username: str, region_code: str, runs: int = 20) -> dict:
    """`coverage` (totals, children, grids) for the user at the region vs raw SQL over the
    part of the region the user sees (her focus when it is deeper: a grid worker's grid)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bastion.campaigns.models import Campaign
    from bastion.campaigns.selectors.coverage import coverage, grid_counts, map_payload
    from bastion.geo.models import Region

    user = get_user_model().objects.get(username=username)
    region = Region.objects.get(code=region_code)
    campaign = Campaign.objects.get(name="全县地毯式排查")

    def selector():
        fresh = get_user_model().objects.get(pk=user.pk)  # no cached scope: as a request
        item = Campaign.objects.get(pk=campaign.pk)
        return coverage(user=fresh, campaign=item, region=region)

    from bastion.campaigns.selectors.campaigns import focus_path

    focus = focus_path(user=user, campaign=campaign)
    raw_path = focus if focus.startswith(region.path) else region.path
    result = selector()
    raw = raw_totals(campaign, raw_path)
    ledger = raw_totals(campaign, raw_path, RAW_LEDGER_SQL)
    mine = {"households": result.totals.households, **result.totals.outcomes}
    earlier = timezone.now() - dt.timedelta(days=3)
    measured = {
        "totals": mine,
        "rate": result.totals.rate,
        "children": len(result.children),
        "grids": len(result.grids),
        "agree": all(mine.get(k, 0) == v for k, v in raw.items())
        and all(mine.get(k, 0) == v for k, v in ledger.items()),
        "selector": _timed(selector, runs),
        "raw_sql": _timed(lambda: raw_totals(campaign, raw_path), runs),
        "raw_counters_sql": _timed(lambda: raw_totals(campaign, raw_path, RAW_COUNTERS_SQL), runs),
        "raw_ledger_sql": _timed(
            lambda: raw_totals(campaign, raw_path, RAW_LEDGER_SQL), max(3, runs // 4)
        ),
        "selector_from_states": _timed(
            lambda: grid_counts(user=user, campaign=campaign, within=region.path, source="states"),
            runs,
        ),
        "selector_as_of_3_days_ago": _timed(
            lambda: coverage(user=user, campaign=campaign, region=region, as_of=earlier),
            max(3, runs // 4),
        ),
        "map_payload": _timed(lambda: map_payload(coverage_result=result), runs),
    }
    measured["ratio"] = round(
        measured["selector"]["median_ms"] / max(measured["raw_sql"]["median_ms"], 0.01), 2
    )
    measured["ratio_same_shape"] = round(
        measured["selector"]["median_ms"] / max(measured["raw_counters_sql"]["median_ms"], 0.01),
        2,
    )
    return measured


def measure_page(*, username: str, runs: int = 10) -> dict:
    """GET the campaign page (figures, drill-down table) through the Django test client."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bastion.campaigns.models import Campaign
    from tests.mixins import api_login_client

    try:
        setup_test_environment()
    except RuntimeError:
        pass  # already set up (under pytest)
    client = api_login_client(Client(), get_user_model().objects.get(username=username))
    url = f"/campaigns/{Campaign.objects.get(name='全县地毯式排查').public_id}/"

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"campaign page answered {response.status_code}")

    result = _timed(get, runs)
    result["bytes"] = len(client.get(url).content)
    return result


# --- Orchestration ---------------------------------------------------------------------


def _bench_url() -> str:
    from urllib.parse import urlsplit, urlunsplit

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the benchmark needs DATABASE_URL=postgres://... (PostgreSQL)")
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))


def _ensure_database(url: str, *, fresh: bool) -> None:
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{BENCH_DB}" WITH (FORCE)')  # our own database only
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    if args.child == "generate":
        from bastion.campaigns.models import HouseholdVisit
        from bastion.geo.models import Household

        if HouseholdVisit.objects.exists():
            print(
                json.dumps(
                    {
                        "reused": True,
                        "households": Household.objects.count(),
                        "visits": HouseholdVisit.objects.count(),
                    }
                )
            )
            return 0
        from benchmarks.campaigns_data import generate

        print(json.dumps(generate(households=args.households), default=str))
        return 0
    if args.child == "inprocess":
        result = {
            "county": measure_coverage(
                username="bench_command", region_code="430121000000", runs=args.runs
            ),
            "town": measure_coverage(
                username="bench_command", region_code="430121001000", runs=args.runs
            ),
            "grid_worker": measure_coverage(
                username="bench_grid", region_code="430121000000", runs=args.runs
            ),
            "campaign_page": measure_page(username="bench_command"),
        }
        print(json.dumps(result, default=str))
        return 0
    raise SystemExit(f"unknown child {args.child}")


def _run(env: dict, *child_args: str) -> dict:
    return run_child(env, "benchmarks.campaigns", *child_args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks campaigns", description=__doc__)
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="recreate bastion_bench_camp first")
    parser.add_argument("--child", choices=["generate", "inprocess"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)
    url = _bench_url()
    _ensure_database(url, fresh=args.fresh)
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bastion.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, check=True
    )
    results: dict = {"cpus": os.cpu_count(), "at": dt.datetime.now(dt.UTC).isoformat()}
    started = time.perf_counter()
    results["data"] = _run(env, "--child", "generate", "--households", str(args.households))
    print(f"data ready ({time.perf_counter() - started:.1f}s): {results['data']}", flush=True)
    results.update(_run(env, "--child", "inprocess", "--runs", str(args.runs)))
    _print(results)
    OUT.mkdir(exist_ok=True)
    (OUT / "campaigns.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


def _print(results: dict) -> None:
    for key in ("county", "town", "grid_worker"):
        m = results[key]
        sel, raw, ledger = m["selector"], m["raw_sql"], m["raw_ledger_sql"]
        counters = m["raw_counters_sql"]
        verdict = "OK" if sel["median_ms"] < TARGET_MS else "MISSED"
        print(
            f"{key}: coverage {sel['median_ms']} ms (p95 {sel['p95_ms']}) [{verdict} < {TARGET_MS}], "
            f"raw SQL (states) {raw['median_ms']} ms, ratio {m['ratio']}; raw SQL (counters) "
            f"{counters['median_ms']} ms, ratio {m['ratio_same_shape']}; ledger SQL "
            f"{ledger['median_ms']} ms; from states {m['selector_from_states']['median_ms']} ms; "
            f"as of 3 days ago {m['selector_as_of_3_days_ago']['median_ms']}"
            f" ms; map {m['map_payload']['median_ms']} ms; agree={m['agree']}; "
            f"totals {m['totals']} rate {m['rate']}%"
        )
    page = results["campaign_page"]
    print(f"campaign page: {page['median_ms']} ms (p95 {page['p95_ms']}), {page['bytes']} bytes")


if __name__ == "__main__":
    raise SystemExit(main())
