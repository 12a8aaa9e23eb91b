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
import hashlib
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

OUT = Path(__file__).parent / "out"
BENCH_DB = "bastion_bench_mon"
ROOT = Path(__file__).resolve().parent.parent
ORIGINS = ["湖北省武汉市", "湖北省孝感市", "湖北省黄冈市", "广东省深圳市", "浙江省温州市"]
SEATS = ["town_liaison", "grid_cadre", "village_cadre", "police", "village_doctor"]
PASSWORD = "bench-Password-1"  # noqa: S105 - benchmark database only


# --- Synthetic data (portable writer: COPY on PostgreSQL, bulk_create elsewhere) --------


def _write(model, rows: list[dict]) -> None:
    """Write rows (attname -> value; missing fields take their defaults) to model's table."""
    from django.db import connection

    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=2000)
        return
    defaults = {}
    for f in fields:
        if f.attname not in rows[0] and f.has_default() and not callable(f.default):
            defaults[f.attname] = f.get_default()
    columns = ", ".join(f'"{f.column}"' for f in fields)
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    with connection.cursor() as cursor:
        sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"  # noqa: S608
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                values = []
                for f in fields:
                    if f.attname in row:
                        value = row[f.attname]
                    elif f.attname in defaults:
                        value = defaults[f.attname]
                    elif f.has_default():
                        value = f.get_default()
                    else:
                        value = None
                    if f.attname in json_fields:
                        value = json.dumps(value, ensure_ascii=False)
                    values.append(value)
                copy.write_row(values)


def _ids(model, **filters) -> list[int]:
    return list(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True))


def build_regions(towns: int, communities: int, grids: int):
    """County 430121 with towns x communities x grids; returns the grids in path order."""
    from bastion.geo.models import Level
    from bastion.geo.services import region_create

    county = region_create(code="430121000000", name="长沙县", level=Level.COUNTY, parent=None)
    out = []
    for t in range(1, towns + 1):
        town = region_create(
            code=f"430121{t:03d}000", name=f"第{t}镇", level=Level.TOWN, parent=county
        )
        for c in range(1, communities + 1):
            community = region_create(
                code=f"{town.code[:9]}{c:03d}",
                name=f"第{t}镇第{c}村",
                level=Level.VILLAGE,
                parent=town,
            )
            for g in range(1, grids + 1):
                out.append(
                    region_create(
                        code=f"{community.code}{g:03d}",
                        name=f"{community.name}第{g}网格",
                        level=Level.GRID,
                        parent=community,
                    )
                )
    return county, out


def _user(username: str, role: str | None, region) -> object:
    from bastion.access.models import RoleAssignment, User

    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username)
    if role:
        RoleAssignment.objects.create(user=user, role=role, region=region, region_path=region.path)
    return user


def generate(*, observations: int, now: dt.datetime | None = None, seed: int = 7) -> dict:
    """Regions, people, active observations (day 1..14 spread), 五包一 teams, about 14
    follow-ups per observation (team + self report, one each per day), fever alerts."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bastion.access.roles import Role
    from bastion.access.services import api_token_create
    from bastion.monitoring.models import (
        Alert,
        FollowUp,
        Observation,
        Policy,
        TeamMember,
        TeamTemplateRole,
    )
    from bastion.people.models import Person

    rng = random.Random(seed)  # noqa: S311 - synthetic data
    now = now or timezone.now()
    today = timezone.localdate(now)
    started = time.perf_counter()
    grids_per = 10 if observations >= 10_000 else 2
    towns = 10 if observations >= 10_000 else 2
    with transaction.atomic():
        county, grids = build_regions(towns, grids_per, grids_per)
        towns_by_path = {}
        for grid in grids:
            towns_by_path.setdefault(grid.path.split("/")[1], grid.parent.parent)
        command = _user("bench_command", Role.COUNTY_COMMAND, county)
        worker = _user("bench_grid", Role.GRID_WORKER, grids[0])
        seat_users = {
            (town_code, seat): _user(f"bench_{seat}_{town_code}", Role.TEAM_MEMBER, town)
            for town_code, town in towns_by_path.items()
            for seat in SEATS
        }
        _token, raw_token = api_token_create(actor=worker, user=worker, name="bench")
        policy = Policy.objects.get(category="returnee")
        seats = {
            s.code: s.pk for s in TeamTemplateRole.objects.filter(template=policy.team_template)
        }

        person_rows = []
        for i in range(observations):
            grid = grids[i % len(grids)]
            person_rows.append(
                {
                    "public_id": uuid.uuid4(),
                    "name": f"观察{i}",
                    "gender": "M" if i % 2 else "F",
                    "birth_date": dt.date(1960, 1, 1) + dt.timedelta(days=i % 15000),
                    "id_number_index": hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
                    "id_number_masked": f"430121********{i % 10000:04d}",
                    "phone_masked": f"138****{i % 10000:04d}",
                    "region_id": grid.pk,
                    "path": grid.path,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        _write(Person, person_rows)
        person_ids = _ids(Person, name__startswith="观察")
        del person_rows

        obs_rows = []
        for i, person_id in enumerate(person_ids):
            grid = grids[i % len(grids)]
            starts = today - dt.timedelta(days=i % 14)
            created = min(now - dt.timedelta(minutes=1), _local(starts, 8))
            obs_rows.append(
                {
                    "public_id": uuid.uuid4(),
                    "person_id": person_id,
                    "policy_id": policy.pk,
                    "region_id": grid.pk,
                    "path": grid.path,
                    "origin": ORIGINS[i % len(ORIGINS)],
                    "arrived_on": starts,
                    "transport": "train",
                    "transport_number": f"G{i % 9000 + 100}",
                    "starts_on": starts,
                    "observation_days": 14,
                    "extra_days": 0,
                    "status": "active",
                    "created_at": created,
                    "updated_at": created,
                }
            )
        _write(Observation, obs_rows)
        obs = list(
            Observation.objects.filter(policy=policy)
            .order_by("pk")
            .values_list("pk", "path", "starts_on")
        )
        del obs_rows

        team_rows, followup_rows, alert_rows = [], [], []
        for i, (oid, path, starts) in enumerate(obs):
            town_code = path.split("/")[1]
            for seat in SEATS:
                user = seat_users[(town_code, seat)]
                if seat == "grid_cadre" and path == grids[0].path:
                    user = worker
                team_rows.append(
                    {"observation_id": oid, "seat_id": seats[seat], "user_id": user.pk}
                )
            recorder = seat_users[(town_code, "grid_cadre")].pk
            day = starts
            while day <= today:
                if day < today or i % 2 == 0:
                    for source, hour in (("team", 9), ("self", 19 if day < today else 7)):
                        observed = min(_local(day, hour, i % 60), now - dt.timedelta(minutes=1))
                        fever = rng.random() < 0.01
                        temperature = (
                            Decimal("37.8") if fever else Decimal(rng.randint(360, 370)) / 10
                        )
                        followup_rows.append(
                            {
                                "observation_id": oid,
                                "path": path,
                                "observed_at": observed,
                                "entered_at": observed,
                                "local_date": day,
                                "source": source,
                                "recorded_by_id": recorder if source == "team" else None,
                                "temperature": temperature,
                                "symptoms": [],
                                "at_home": True,
                                "contact": "seen",
                                "abnormal": fever,
                            }
                        )
                        if fever:
                            alert_rows.append(
                                {
                                    "public_id": uuid.uuid4(),
                                    "observation_id": oid,
                                    "path": path,
                                    "kind": "fever",
                                    "local_date": day,
                                    "raised_at": observed,
                                    "resolved_at": None
                                    if day >= today - dt.timedelta(days=1)
                                    else observed,
                                    "notified_level": 0,
                                }
                            )
                day += dt.timedelta(days=1)
            if len(followup_rows) >= 200_000:
                _write(FollowUp, followup_rows)
                followup_rows = []
        _write(TeamMember, [dict(r, created_at=now, updated_at=now) for r in team_rows])
        _write(FollowUp, followup_rows)
        _write(Alert, alert_rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "observations": Observation.objects.count(),
        "followups": FollowUp.objects.count(),
        "team_members": TeamMember.objects.count(),
        "alerts": Alert.objects.count(),
        "grids": len(grids),
        "seconds": round(time.perf_counter() - started, 1),
        "token": raw_token,
        "command": command.username,
        "worker": worker.username,
    }


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


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
    AND NOT EXISTS (SELECT 1 FROM monitoring_followup c WHERE c.corrects_id = f.id)
  GROUP BY f.observation_id
), obs AS (
  SELECT o.policy_id, o.origin, o.created_at, o.status, o.ended_at, o.starts_on,
         {last_day} AS last_day,
         p.followups_per_day AS per_day, p.cutoff_hour, COALESCE(t.n, 0) AS n, t.ab
  FROM monitoring_observation o
  JOIN monitoring_policy p ON p.id = o.policy_id
  LEFT JOIN today t ON t.observation_id = o.id
  WHERE o.path LIKE %(prefix)s AND o.created_at <= %(now)s
    AND (o.status = 'active' OR o.ended_at >= %(start)s)
)
SELECT policy_id,
  COUNT(*) FILTER (WHERE status = 'active' OR ended_at > %(now)s) AS under,
  COUNT(*) FILTER (WHERE created_at >= %(start)s) AS new,
  COUNT(*) FILTER (WHERE status = 'released' AND ended_at >= %(start)s) AS released,
  COUNT(*) FILTER (WHERE starts_on <= %(today)s AND last_day >= %(today)s AND n < per_day
                   AND cutoff_hour > %(hour)s) AS due,
  COUNT(*) FILTER (WHERE starts_on <= %(today)s AND last_day >= %(today)s AND n >= per_day) AS done,
  COUNT(*) FILTER (WHERE starts_on <= %(today)s AND last_day >= %(today)s AND n < per_day
                   AND cutoff_hour <= %(hour)s) AS overdue,
  COUNT(*) FILTER (WHERE ab = 1) AS abnormal
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


# --- HTTP load --------------------------------------------------------------------------

LUA = r"""
local counter = 0
local ids = {%(ids)s}
local token = "%(token)s"
local prefix = "%(prefix)s"
local t = 0
function setup(thread)
  t = t + 1
  thread:set("tid", t)
end
function init(args)
  math.randomseed(os.time() + tid * 7919)
end
function request()
  counter = counter + 1
  local id = ids[math.random(#ids)]
  local path = string.gsub(prefix, "{id}", id)
  local key = "bench-" .. tid .. "-" .. counter .. "-" .. math.random(1000000000)
  local body = '{"temperature": "36.6", "symptoms": [], "at_home": true, "contact": "seen"}'
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = key,
  }, body)
end
function done(summary, latency, requests)
  local s = summary.duration / 1000000
  io.write(string.format("BENCH %%d %%d %%.3f %%.3f %%.3f %%d %%d\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout, s,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency.max, 0))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port}")


def _gunicorn(env: dict, settings: str, port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bastion.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        env=dict(env, DJANGO_SETTINGS_MODULE=settings),
        cwd=ROOT,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _wrk(*, port: int, script: Path, duration: int, connections: int, threads: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    match = re.search(r"BENCH (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", out.stdout)
    if not match:
        raise RuntimeError(f"wrk output not understood:\n{out.stdout}\n{out.stderr}")
    requests, errors, seconds, p50, p95, max_us = match.groups()
    return {
        "requests": int(requests),
        "errors": int(errors),
        "seconds": float(seconds),
        "requests_per_s": round(int(requests) / float(seconds)),
        "p50_ms": float(p50),
        "p95_ms": float(p95),
        "max_ms": round(float(max_us) / 1000, 1),
        "non_2xx": _non_2xx(out.stdout),
    }


def _non_2xx(text: str) -> int:
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return int(match.group(1)) if match else 0


def _script(path: Path, *, ids: list[str], token: str, prefix: str) -> Path:
    path.write_text(
        LUA % {"ids": ", ".join(f'"{i}"' for i in ids), "token": token, "prefix": prefix}
    )
    return path


def measure_http(env: dict, *, ids: list[str], token: str, bare_observation: str, args) -> dict:
    """The API's follow-up POST vs a bare Django view doing one INSERT (same server, same wrk)."""
    OUT.mkdir(exist_ok=True)
    cases = {
        "api": (
            "bastion.settings",
            _script(
                OUT / "monitoring_api.lua",
                ids=ids,
                token=token,
                prefix="/api/v1/monitoring/observations/{id}/followups",
            ),
        ),
        "bare": (
            "benchmarks.monitoring_bare_settings",
            _script(
                OUT / "monitoring_bare.lua",
                ids=[bare_observation],
                token=token,
                prefix="/bare/{id}/",
            ),
        ),
    }
    results = {}
    for name, (settings, script) in cases.items():
        port = _free_port()
        proc = _gunicorn(env, settings, port, args.workers)
        try:
            _wait_port(port)
            _wrk(port=port, script=script, duration=2, connections=args.connections, threads=2)
            results[name] = _wrk(
                port=port,
                script=script,
                duration=args.duration,
                connections=args.connections,
                threads=2,
            )
        finally:
            _stop(proc)
    results["api_vs_bare"] = round(
        results["bare"]["requests_per_s"] / max(1, results["api"]["requests_per_s"]), 2
    )
    return results


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
        from bastion.monitoring.models import Observation

        if Observation.objects.exists():
            print(json.dumps({"reused": True}))
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
        print(json.dumps({"ids": ids, "token": raw}))
        return 0
    raise SystemExit(f"unknown child {args.child}")


def _run(env: dict, *child_args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.monitoring", *child_args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks monitoring", description=__doc__)
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per case")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (2-4)")
    parser.add_argument("--fresh", action="store_true", help="recreate bastion_bench_mon first")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--child", choices=["generate", "inprocess", "ids"], help=argparse.SUPPRESS)
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
        results["http"] = measure_http(
            env, ids=ids["ids"], token=ids["token"], bare_observation=ids["ids"][0], args=args
        )
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
