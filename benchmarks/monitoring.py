"""Monitoring benchmark: follow-up submission over HTTP, the county's monitoring counts and
a grid worker's today page, each beside the floor of the stack in the same run.

`python -m benchmarks monitoring [--observations N] [--duration S]` on PostgreSQL
(DATABASE_URL names the server; the benchmark creates and migrates its own database
`bastion_bench_mon` there and drops nothing). Data is written with COPY, not services.
Load stays on 127.0.0.1: gunicorn (sync workers) + wrk for a bounded time.
Figures go to stdout and to benchmarks/out/monitoring.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import run_child
from benchmarks.monitoring_data import generate
from benchmarks.monitoring_load import measure_http

OUT = Path(__file__).parent / "out"
BENCH_DB = "bastion_bench_mon"
ROOT = Path(__file__).resolve().parent.parent
ORIGINS = ["湖北省武汉市", "湖北省孝感市", "湖北省黄冈市", "广东省深圳市", "浙江省温州市"]
SEATS = ["town_liaison", "grid_cadre", "village_cadre", "police", "village_doctor"]
PASSWORD = "bench-Password-1"  # noqa: S105 - benchmark database only


# --- In-process measurements -----------------------------------------------------------


def _timed(fn, runs: int) -> dict:
    fn()  # warm caches and connections
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "runs": runs,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
    }


RAW_COUNTS_SQL = """
WITH today AS (
  SELECT f.observation_id, COUNT(*) AS n, MAX(CASE WHEN f.abnormal THEN 1 ELSE 0 END) AS ab
  FROM monitoring_followup f
  WHERE f.local_date = %(today)s AND f.path LIKE %(prefix)s
    AND f.id NOT IN (SELECT c.corrects_id FROM monitoring_followup c
                     WHERE c.corrects_id IS NOT NULL)
  GROUP BY f.observation_id
), open_alerts AS (
  SELECT a.observation_id, COUNT(*) AS n FROM monitoring_alert a
  WHERE a.path LIKE %(prefix)s AND a.raised_at <= %(now)s
    AND (a.resolved_at IS NULL OR a.resolved_at > %(now)s)
  GROUP BY a.observation_id
), obs AS (
  SELECT o.policy_id, o.origin, o.created_at, o.status, o.ended_at, o.starts_on,
         {last_day} AS last_day,
         p.followups_per_day AS per_day, p.cutoff_hour, COALESCE(t.n, 0) AS n, t.ab,
         COALESCE(al.n, 0) AS open_alerts
  FROM monitoring_observation o
  JOIN monitoring_policy p ON p.id = o.policy_id
  LEFT JOIN today t ON t.observation_id = o.id
  LEFT JOIN open_alerts al ON al.observation_id = o.id
  WHERE o.path LIKE %(prefix)s AND o.created_at <= %(now)s
    AND (o.status = 'active' OR o.ended_at >= %(start)s)
)
SELECT policy_id,
  COUNT(*) FILTER (WHERE status = 'active' OR ended_at > %(now)s) AS under,
  COUNT(*) FILTER (WHERE starts_on = %(today)s) AS new,
  COUNT(*) FILTER (WHERE status = 'released' AND ended_at >= %(start)s) AS released,
  COUNT(*) FILTER (WHERE starts_on <= %(today)s AND last_day >= %(today)s AND n < per_day
                   AND cutoff_hour > %(hour)s) AS due,
  COUNT(*) FILTER (WHERE starts_on <= %(today)s AND last_day >= %(today)s AND n >= per_day) AS done,
  COUNT(*) FILTER (WHERE starts_on <= %(today)s AND last_day >= %(today)s AND n < per_day
                   AND cutoff_hour <= %(hour)s) AS overdue,
  COUNT(*) FILTER (WHERE (status = 'active' OR ended_at > %(now)s)
                   AND (ab = 1 OR open_alerts > 0)) AS abnormal
FROM obs GROUP BY policy_id
"""
LAST_DAY = {
    "postgresql": "o.starts_on + (o.observation_days + o.extra_days - 1)",
    "sqlite": "date(o.starts_on, '+' || (o.observation_days + o.extra_days - 1) || ' days')",
}
RAW_OPEN_SQL = """
SELECT (SELECT COUNT(*) FROM monitoring_alert a WHERE a.kind = 'fever' AND a.path LIKE %(prefix)s
          AND a.raised_at <= %(now)s AND (a.resolved_at IS NULL OR a.resolved_at > %(now)s)),
       (SELECT COUNT(*) FROM monitoring_servicerequest s WHERE s.path LIKE %(prefix)s
          AND s.status IN ('open', 'assigned', 'in_progress'))
"""


def raw_counts(region_path: str, now: dt.datetime) -> dict:
    """The monitoring view's totals in hand-written SQL (the floor for monitor_counts)."""
    from django.db import connection
    from django.utils import timezone

    local = timezone.localtime(now)
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "today": connection.ops.adapt_datefield_value(local.date()),
        "prefix": region_path + "%",
        "now": adapt(now),
        "start": adapt(local.replace(hour=0, minute=0, second=0, microsecond=0)),
        "hour": local.hour,
    }
    totals = dict.fromkeys(("under", "new", "released", "due", "done", "overdue", "abnormal"), 0)
    with connection.cursor() as cursor:
        cursor.execute(RAW_COUNTS_SQL.replace("{last_day}", LAST_DAY[connection.vendor]), params)
        for _policy_id, *values in cursor.fetchall():
            for key, value in zip(totals, values, strict=True):
                totals[key] += int(value)
        cursor.execute(RAW_OPEN_SQL, params)
        totals["fever_alerts"], totals["services"] = cursor.fetchone()
    return totals


def measure_counts(*, username: str, region_code: str, runs: int = 20) -> dict:
    """monitor_counts for the user at the region vs raw_counts; their totals must agree."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bastion.geo.models import Region
    from bastion.monitoring.selectors.monitor import monitor_counts

    user = get_user_model().objects.get(username=username)
    region = Region.objects.get(code=region_code)
    now = timezone.now()
    selector = monitor_counts(user=user, region_path=region.path, now=now)["totals"]
    raw = raw_counts(region.path, now)
    return {
        "totals": selector,
        "raw_totals": raw,
        "agree": all(selector[k] == raw[k] for k in raw),
        "selector": _timed(
            lambda: monitor_counts(user=user, region_path=region.path, now=now), runs
        ),
        "raw_sql": _timed(lambda: raw_counts(region.path, now), runs),
    }


def measure_today_page(*, username: str, runs: int = 30) -> dict:
    """GET /monitoring/today/ through the Django test client as the grid worker."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    try:
        setup_test_environment()
    except RuntimeError:
        pass  # already set up (under pytest)
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))

    def get():
        response = client.get("/monitoring/today/")
        if response.status_code != 200:
            raise RuntimeError(f"today page answered {response.status_code}")

    result = _timed(get, runs)
    result["bytes"] = len(client.get("/monitoring/today/").content)
    return result


# --- Orchestration ---------------------------------------------------------------------


def _bench_url(db: str = BENCH_DB) -> str:
    from urllib.parse import urlsplit, urlunsplit

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the benchmark needs DATABASE_URL=postgres://... (PostgreSQL)")
    return urlunsplit(urlsplit(url)._replace(path=f"/{db}"))


def _ensure_database(url: str, *, fresh: bool, db: str = BENCH_DB) -> None:
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{db}" WITH (FORCE)')  # the benchmark's own database
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{db}"')


def _child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    if args.child == "generate":
        from bastion.monitoring.models import Observation

        if Observation.objects.exists():
            from bastion.monitoring.models import FollowUp

            counts = {
                "reused": True,
                "observations": Observation.objects.filter(status="active").count(),
                "followups": FollowUp.objects.count(),
            }
            print(json.dumps(counts))
            return 0
        print(json.dumps(generate(observations=args.observations), default=str))
        return 0
    if args.child == "inprocess":
        result = {
            "county_counts": measure_counts(username="bench_command", region_code="430121000000"),
            "today_page": measure_today_page(username="bench_grid"),
        }
        print(json.dumps(result, default=str))
        return 0
    if args.child == "ids":
        from django.contrib.auth import get_user_model

        from bastion.access.services import api_token_create
        from bastion.monitoring.selectors.observations import observation_list

        worker = get_user_model().objects.get(username="bench_grid")
        _token, raw = api_token_create(actor=worker, user=worker, name="bench-run")
        ids = [
            str(u)
            for u in observation_list(user=worker, status="active").values_list(
                "public_id", flat=True
            )[:200]
        ]
        from bastion.monitoring.models import FollowUp

        mark = FollowUp.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        print(json.dumps({"ids": ids, "token": raw, "mark": mark}))
        return 0
    if args.child == "cleanup":
        remove_load(mark=args.mark)
        print(json.dumps({"cleaned": True}))
        return 0
    raise SystemExit(f"unknown child {args.child}")


def remove_load(*, mark: int) -> None:
    """Delete what the HTTP load wrote (follow-ups after `mark`, their audit entries and
    idempotency records): benchmark database only."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_alert WHERE followup_id > %s", [mark])
        cursor.execute("DELETE FROM monitoring_followup WHERE id > %s", [mark])
        cursor.execute("DELETE FROM core_auditentry WHERE object_type = 'monitoring.followup'")
        cursor.execute("DELETE FROM core_idempotencyrecord")
    # The deleted rows stay behind as dead tuples until a vacuum: without one, every rerun
    # reads more dead index entries and heap pages for the same observations (each run
    # adds ~20 entries to each of the 200 it writes to) and gets slower.
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return  # VACUUM needs PostgreSQL outside a transaction
    with connection.cursor() as cursor:
        for table in (
            "monitoring_followup",
            "monitoring_alert",
            "core_auditentry",
            "core_idempotencyrecord",
            "access_apitoken",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def _run(env: dict, *child_args: str) -> dict:
    return run_child(env, "benchmarks.monitoring", *child_args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks monitoring", description=__doc__)
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per case")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (2-4)")
    parser.add_argument("--fresh", action="store_true", help="recreate bastion_bench_mon first")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument(
        "--child", choices=["generate", "inprocess", "ids", "cleanup"], help=argparse.SUPPRESS
    )
    parser.add_argument("--mark", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)
    if not 2 <= args.workers <= 4 or not 1 <= args.duration <= 120:
        raise SystemExit("--workers must be 2-4 and --duration 1-120 seconds (bounded load)")
    url = _bench_url()
    _ensure_database(url, fresh=args.fresh)
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bastion.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, check=True
    )
    results: dict = {"cpus": os.cpu_count(), "at": dt.datetime.now(dt.UTC).isoformat()}
    started = time.perf_counter()
    results["data"] = _run(env, "--child", "generate", "--observations", str(args.observations))
    results["data"].pop("token", None)
    print(f"data ready ({time.perf_counter() - started:.1f}s): {results['data']}", flush=True)
    results.update(_run(env, "--child", "inprocess"))
    if not args.skip_http:
        ids = _run(env, "--child", "ids")
        try:
            results["http"] = measure_http(
                env, ids=ids["ids"], token=ids["token"], bare_observation=ids["ids"][0], args=args
            )
        finally:  # the load's follow-ups would inflate the next run's today page
            _run(env, "--child", "cleanup", "--mark", str(ids["mark"]))
    _print(results)
    OUT.mkdir(exist_ok=True)
    (OUT / "monitoring.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


def _print(results: dict) -> None:
    counts = results["county_counts"]
    sel, raw = counts["selector"], counts["raw_sql"]
    print(
        f"county counts: selector {sel['median_ms']} ms (p95 {sel['p95_ms']}), "
        f"raw SQL {raw['median_ms']} ms (p95 {raw['p95_ms']}), "
        f"ratio {sel['median_ms'] / max(raw['median_ms'], 0.01):.2f}, agree={counts['agree']}"
    )
    page = results["today_page"]
    print(f"today page: median {page['median_ms']} ms, p95 {page['p95_ms']} ms")
    if "http" in results:
        for name in ("api", "bare"):
            r = results["http"][name]
            print(
                f"{name:<5} {r['requests_per_s']:>6} req/s  p50 {r['p50_ms']} ms  "
                f"p95 {r['p95_ms']} ms  errors {r['errors']} non-2xx {r['non_2xx']}"
            )
        print(f"bare / api = {results['http']['api_vs_bare']}")


if __name__ == "__main__":
    if "--child" in sys.argv:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bastion.settings")
    raise SystemExit(main())
