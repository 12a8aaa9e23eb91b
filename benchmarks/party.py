"""Party benchmark: the demo county's party seed, then the party's hot reads and writes on
those 1,900 organizations and 44,200 members.

`python -m benchmarks party [--runs N]` builds the full demo county in a fresh database —
SQLite in a temporary directory by default, or PostgreSQL when DATABASE_URL names a server
(the benchmark creates, and recreates on each run, its own database `bastion_bench_party`
there) — and measures in a child process:

- the demo build, and the party seed inside it;
- every party indicator for the county (the organization department's scope);
- the member list endpoint, the organization tree page and the call page (first page);
- a county-wide call (about 46,000 recipients, one INSERT … SELECT each kind);
- recording an expense against a grant (lock, balance from the ledger, audit).

Figures go to stdout and to benchmarks/out/party.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"
BENCH_DB = "bastion_bench_party"
ROOT = Path(__file__).resolve().parent.parent


def timed(fn, runs: int) -> dict:
    """Median and p95 of `runs` calls (after one warm-up call), in milliseconds."""
    fn()
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


def measure(*, username: str = "orgdept", runs: int = 10) -> dict:
    """The in-process measurements on a database that holds a demo county."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from bastion.core.indicators import Scope
    from bastion.party import indicators, services
    from bastion.party.models import FeeGrant, Mobilization, Organization, PartyMember

    user = get_user_model().objects.get(username=username)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    scope, now = Scope(user=user), timezone.now()
    results: dict = {
        "members": PartyMember.objects.count(),
        "organizations": Organization.objects.count(),
    }
    results["indicators"] = timed(
        lambda: [i.count(scope, now) for i in indicators.INDICATORS], max(2, runs // 3)
    )
    results["member_list_api"] = timed(lambda: _ok(client.get("/api/v1/party/members")), runs)
    results["organization_tree_page"] = timed(
        lambda: _ok(client.get("/party/organizations/")), runs
    )
    call = Mobilization.objects.order_by("sent_at").first()
    results["call_page"] = timed(lambda: _ok(client.get(f"/party/calls/{call.public_id}/")), runs)
    root = Organization.objects.get(parent__isnull=True)
    started = time.perf_counter()
    sent = services.mobilization_send(
        actor=None, organization=root, title="基准测试号召", body="基准", audience="both",
        notify_logins=False,
    )  # fmt: skip
    results["county_call"] = {
        "recipients": sent.recipients.count(),
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }
    grant = FeeGrant.objects.order_by("pk").first()
    services.fee_grant_adjust(actor=None, grant=grant, delta="100000", reason="基准测试")
    results["expense_record"] = timed(
        lambda: services.fee_expense_record(
            actor=None, grant=grant, amount="1", spent_on=timezone.localdate(), description="基准"
        ),
        runs,
    )
    return results


def _ok(response):
    assert response.status_code == 200, response.status_code
    return response


def _child(runs: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from bastion.party import demo as party_demo

    call_command("migrate", "--noinput", verbosity=0)
    seed = party_demo.seed_party
    seconds: dict = {}

    def timed_seed(**kw):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return seed(**kw)
        finally:
            seconds["party_seed"] = round(time.perf_counter() - started, 1)
            seconds["party_seed_cpu"] = round(time.process_time() - cpu, 1)

    party_demo.seed_party = timed_seed
    from bastion.demo.generator import build_demo

    started, cpu = time.perf_counter(), time.process_time()
    build_demo()
    seconds["demo"] = round(time.perf_counter() - started, 1)
    seconds["demo_cpu"] = round(time.process_time() - cpu, 1)
    results = {"seconds": seconds, **measure(runs=runs)}
    print(json.dumps(results))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks party", description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.runs)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bastion.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    with tempfile.TemporaryDirectory() as var:
        env["BASTION_VAR_DIR"] = var
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            env["DATABASE_URL"] = _fresh_database(url)
            database = "postgresql"
        else:
            env.pop("DATABASE_URL", None)
            database = "sqlite"
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks", "party", "--child", "--runs", str(args.runs)],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if out.returncode:
            sys.stderr.write(out.stderr[-4000:])
            return out.returncode
    results = {
        "database": database,
        "cpus": os.cpu_count(),
        "load": os.getloadavg(),
        "at": dt.datetime.now(dt.UTC).isoformat(),
        **json.loads(out.stdout.strip().splitlines()[-1]),
    }
    _print(results)
    OUT.mkdir(exist_ok=True)
    (OUT / "party.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


def _fresh_database(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')  # our own only
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))


def _print(results: dict) -> None:
    s = results["seconds"]
    print(f"{results['database']}: demo {s['demo']} s (CPU {s['demo_cpu']} s), party seed "
          f"{s['party_seed']} s (CPU {s['party_seed_cpu']} s); {results['organizations']} "
          f"organizations, {results['members']} members; load {results['load'][0]:.1f}")  # fmt: skip
    for key in ("indicators", "member_list_api", "organization_tree_page", "call_page",
                "expense_record"):  # fmt: skip
        r = results[key]
        print(f"{key:<24} median {r['median_ms']} ms  p95 {r['p95_ms']} ms")
    call = results["county_call"]
    print(f"county-wide call: {call['recipients']} recipients in {call['ms']} ms")
