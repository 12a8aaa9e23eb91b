"""Dashboard and briefing benchmark: the county dashboard's server time and the county
briefing's generation time, on a county with many residents.

`python -m benchmarks dashboard [--residents N] [--observations N] [--fresh]` on PostgreSQL
(DATABASE_URL names the server; the benchmark creates and migrates its own database
`bastion_dashboards_bench` there and drops nothing else). Data: the monitoring
benchmark's county (10 towns x 10 villages x 10 grids, observations with 五包一 teams and
two weeks of follow-ups) plus `--residents` people in households of three, written with
COPY. Measured in process with Django's test client (server time, no network): each page
cold (cache cleared before every request) and warm (the live and past-day caches of
decision 0070 filled), median and p95 after a warm-up; the briefing is generated afresh
each run. Figures go to stdout and to benchmarks/out/dashboard.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from benchmarks import run_child
from benchmarks.monitoring import _bench_url, _ensure_database, _timed

OUT = Path(__file__).parent / "out"
BENCH_DB = "bastion_dashboards_bench"
ROOT = Path(__file__).resolve().parent.parent
COUNTY = "430121000000"
BATCH = 100_000


def generate(*, residents: int, observations: int) -> dict:
    """The monitoring county, then `residents` more people in households of three."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bastion.geo.models import Household, Level, Region
    from bastion.people.models import Person
    from benchmarks.monitoring_data import _write
    from benchmarks.monitoring_data import generate as monitoring_generate

    started = time.perf_counter()
    data = monitoring_generate(observations=observations)
    now = timezone.now()
    grids = list(Region.objects.filter(level=Level.GRID).order_by("path"))
    households = max(1, residents // 3)
    with transaction.atomic():
        for start in range(0, households, BATCH):
            rows = []
            for h in range(start, min(households, start + BATCH)):
                grid = grids[h % len(grids)]
                rows.append(
                    {
                        "public_id": uuid.uuid4(),
                        "region_id": grid.pk,
                        "path": grid.path,
                        "label": f"{h // len(grids) + 1}号",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            _write(Household, rows)
        ids = list(
            Household.objects.order_by("pk").values_list("pk", "region_id", "path")[:households]
        )
        for start in range(0, residents, BATCH):
            rows = []
            for i in range(start, min(residents, start + BATCH)):
                household_id, region_id, path = ids[(i // 3) % len(ids)]
                # Registered over the last 30 days, in the order the table holds them (a
                # registry grows at its end), so as-of dates see different counts.
                created = now - dt.timedelta(days=30, minutes=5) * (1 - i / residents)
                rows.append(
                    {
                        "public_id": uuid.uuid4(),
                        "name": f"居民{i}",
                        "gender": "M" if i % 2 else "F",
                        "birth_date": dt.date(1950, 1, 1) + dt.timedelta(days=i % 25000),
                        "id_number_index": hashlib.sha256(f"resident-{i}".encode()).hexdigest(),
                        "id_number_masked": f"430121********{i % 10000:04d}",
                        "phone_masked": "",
                        "region_id": region_id,
                        "household_id": household_id,
                        "path": path,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
            _write(Person, rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM cannot run in a transaction (the smoke test's); ANALYZE can.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    data.update(
        residents=Person.objects.count(),
        households=Household.objects.count(),
        seconds=round(time.perf_counter() - started, 1),
    )
    return data


def measure(runs: int = 10) -> dict:
    from django.core.cache import cache
    from django.utils import timezone

    from bastion.geo.models import Region
    from bastion.reports.models import Briefing
    from bastion.reports.services import briefing_generate
    from benchmarks.command import _client

    client = _client("bench_command")
    county = Region.objects.get(code=COUNTY)
    town = Region.objects.filter(parent=county).order_by("code").first()
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    pages = {
        "county dashboard (page)": f"/reports/dashboard/?region={COUNTY}",
        "county figures (refresh JSON)": f"/reports/dashboard/data/figures.json?region={COUNTY}",
        "county dashboard as of yesterday": f"/reports/dashboard/?region={COUNTY}&as_of={yesterday}",
        "county trend, 14 days (JSON)": f"/reports/dashboard/data/trend.json?region={COUNTY}"
        "&indicator=monitoring_under_observation",
        "county by town (JSON)": f"/reports/dashboard/data/children.json?region={COUNTY}"
        "&indicator=monitoring_followups_overdue",
        "town grid map, 100 grids (JSON)": f"/reports/dashboard/data/map.json?region={town.code}"
        "&indicator=monitoring_under_observation",
        "county grid map, 1,000 grids (JSON)": f"/reports/dashboard/data/map.json?region={COUNTY}"
        "&indicator=monitoring_followups_overdue",
        "county big screen": f"/reports/dashboard/screen/?region={COUNTY}",
    }
    results: dict = {"cold": {}, "warm": {}}
    for name, url in pages.items():

        def cold(url=url):
            cache.clear()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        def warm(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        results["cold"][name] = _timed(cold, runs)
        results["warm"][name] = _timed(warm, runs)

    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="bench_command")

    def briefing():
        Briefing.objects.filter(region=county).delete()
        briefing_generate(user=user, region=county, day=timezone.localdate())

    results["briefing"] = {"county briefing (generate)": _timed(briefing, max(1, runs // 2))}
    return results


def _child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    if args.child == "generate":
        from bastion.people.models import Person

        if Person.objects.exists():
            print(json.dumps({"reused": True, "residents": Person.objects.count()}))
            return 0
        print(json.dumps(generate(residents=args.residents, observations=args.observations)))
        return 0
    print(json.dumps(measure(runs=args.runs), default=str))
    return 0


def _run(env: dict, *child_args: str) -> dict:
    return run_child(env, "benchmarks dashboard", *child_args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks dashboard", description=__doc__)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--observations", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--fresh", action="store_true", help=f"recreate {BENCH_DB} first")
    parser.add_argument("--child", choices=["generate", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)
    url = _bench_url(BENCH_DB)
    _ensure_database(url, fresh=args.fresh, db=BENCH_DB)
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bastion.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env.pop("REDIS_URL", None)  # the in-process cache: server time without a network hop
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, check=True
    )
    results: dict = {"cpus": os.cpu_count(), "at": dt.datetime.now(dt.UTC).isoformat()}
    results["data"] = _run(
        env,
        "--child",
        "generate",
        "--residents",
        str(args.residents),
        "--observations",
        str(args.observations),
    )
    results.update(_run(env, "--child", "measure", "--runs", str(args.runs)))
    _print(results)
    OUT.mkdir(exist_ok=True)
    (OUT / "dashboard.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


def _print(results: dict) -> None:
    print(f"data: {results['data']}")
    for section in ("cold", "warm", "briefing"):
        print(f"\n{section}: median / p95 ms")
        for name, timing in results[section].items():
            print(f"  {name:40s} {timing['median_ms']:9.1f} {timing['p95_ms']:9.1f}")
