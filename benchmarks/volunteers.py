"""Volunteers benchmark: a volunteer's nearby list among 100,000 open tasks (target < 50 ms).

`python -m benchmarks volunteers [--tasks N] [--runs N] [--fresh]` on PostgreSQL
(DATABASE_URL names the server; the benchmark creates and migrates its own database
`bastion_bench_vol` there and drops only that one, with --fresh). Data is written with
COPY (bulk_create elsewhere), not services: a county of 10 towns x 10 communities x 8
grids with centroids, N open tasks spread over the grids and the next 14 days.

Measured, each beside the floor of the same question in hand-written SQL:
- `nearby_tasks` for a volunteer who may see every task (a role over the county) and for
  one who sees their community only; each run loads the user afresh, as a request does
  (grants, membership, residence, registrations: the per-request identity);
- the same ordering without the bounding boxes (every visible open task sorted by
  distance), to show what the rings save;
- the whole page GET /volunteers/ and GET /api/v1/volunteers/tasks/nearby.
Figures go to stdout and to benchmarks/out/volunteers.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import secrets
import statistics
import time
import uuid
from pathlib import Path

OUT = Path(__file__).parent / "out"
BENCH_DB = "bastion_bench_vol"
TOWNS, COMMUNITIES, GRIDS = 10, 10, 8
BOX = (112.95, 28.10, 113.35, 28.40)  # lng0, lat0, lng1, lat1 of the synthetic county
KINDS = ["checkpoint", "door_duty", "delivery", "publicity", "disinfection", "patrol"]
PER_PAGE = 20


def _timed(fn, runs: int) -> dict:
    """Wall-clock median/p95/max, and this process's CPU time per call (the Python side:
    on a shared machine the wall clock also counts waiting for a core)."""
    fn()  # warm caches and connections
    times, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    times.sort()
    return {
        "runs": runs,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
        "max_ms": round(times[-1], 2),
        "python_cpu_median_ms": round(statistics.median(cpu), 2),
    }


# --- Data ------------------------------------------------------------------------------------


def _grid_boxes():
    """(town, community, grid, centroid): towns side by side west to east, communities
    stacked south to north in each, 4 x 2 grids in each community (about 1 x 1.6 km)."""
    lng0, lat0, lng1, lat1 = BOX
    width, height = (lng1 - lng0) / TOWNS, (lat1 - lat0) / COMMUNITIES
    for t in range(TOWNS):
        for c in range(COMMUNITIES):
            for g in range(GRIDS):
                x = lng0 + t * width + (g % 4 + 0.5) * width / 4
                y = lat0 + c * height + (g // 4 + 0.5) * height / 2
                yield t, c, g, (x, y)


def build_county():
    """County, towns, communities and grids with centroids; returns (county, grids)."""
    from bastion.geo.models import Level
    from bastion.geo.services import region_create

    county = region_create(code="430121000000", name="长沙县", level=Level.COUNTY, parent=None,
                           centroid=(113.15, 28.25))  # fmt: skip
    towns, communities, grids = {}, {}, []
    for t, c, g, centre in _grid_boxes():
        if t not in towns:
            towns[t] = region_create(code=f"430121{t + 1:03d}000", name=f"第{t + 1}镇",
                                     level=Level.TOWN, parent=county)  # fmt: skip
        key = (t, c)
        if key not in communities:
            communities[key] = region_create(
                code=f"{towns[t].code[:9]}{c + 1:03d}", name=f"第{t + 1}镇第{c + 1}社区",
                level=Level.COMMUNITY, parent=towns[t],
            )  # fmt: skip
        grids.append(
            region_create(
                code=f"{communities[key].code}{g + 1:03d}",
                name=f"{communities[key].name}第{g + 1}网格",
                level=Level.GRID,
                parent=communities[key],
                centroid=centre,
            )
        )
    return county, grids


def generate(*, tasks: int, seed: int = 9, now: dt.datetime | None = None) -> dict:
    """The county, `tasks` open tasks, and two volunteers (county-wide and community)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bastion.volunteers.models import Task

    rng = random.Random(seed)  # noqa: S311 - synthetic data
    now = now or timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        county, grids = build_county()
        write_tasks(grids=grids, tasks=tasks, now=now, rng=rng)
        home = grids[len(grids) // 2 + GRIDS // 2]
        volunteer_users(county=county, home=home)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE volunteers_task")
    return {
        "tasks": Task.objects.count(),
        "grids": len(grids),
        "home": home.code,
        "seconds": round(time.monotonic() - started, 1),
    }


def write_tasks(*, grids: list, tasks: int, now: dt.datetime, rng) -> None:
    """`tasks` published tasks at the grids' centroids over the next two weeks (COPY on
    PostgreSQL; the caller holds the transaction)."""
    from bastion.volunteers.models import Task, TaskKind
    from benchmarks.monitoring_data import _write

    kinds = {k.code: k.pk for k in TaskKind.objects.filter(code__in=KINDS)}
    communities = {g.parent_id: g.parent for g in grids}
    rows = []
    for _ in range(tasks):
        grid = rng.choice(grids)
        start = now + dt.timedelta(hours=rng.randint(2, 14 * 24))
        slots = rng.randint(1, 5)
        rows.append(
            {
                "public_id": uuid.uuid4(),
                "created_at": now,
                "updated_at": now,
                "publisher_kind": "community",
                "community_id": grid.parent_id,
                "org_path": "",
                "region_id": grid.pk,
                "path": grid.path,
                "location_kind": "grid",
                "title": f"{communities[grid.parent_id].name}值守",
                "kind_id": kinds[rng.choice(KINDS)],
                "slots": slots,
                "skills": [],
                "risk_level": "low",
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=4),
                "status": "published",
                "lat": grid.centroid_lat,
                "lng": grid.centroid_lng,
                "claimed_count": rng.randint(0, slots),
                "waiting_count": 0,
                "checkin_secret": secrets.token_urlsafe(24),
            }
        )
    _write(Task, rows)


def volunteer_users(*, county, home) -> list:
    """Two volunteers living in `home` (a grid): bench_volunteer_county (county-wide) and
    bench_volunteer (her community)."""
    from bastion.access.models import RoleAssignment, User
    from bastion.access.roles import Role
    from bastion.people.models import Person
    from bastion.volunteers.models import ResidentVolunteer

    people = Person.objects.bulk_create(
        [Person(name=n, region=home, path=home.path) for n in ("县域志愿者", "社区志愿者")]
    )
    users = []
    for username, person, region in (
        ("bench_volunteer_county", people[0], county),
        ("bench_volunteer", people[1], home.parent),
    ):
        user = User.objects.create_user(username=username, password=None, full_name=username)
        RoleAssignment.objects.create(
            user=user, role=Role.VOLUNTEER, region=region, region_path=region.path
        )
        ResidentVolunteer.objects.create(person=person, user=user, home_grid=home,
                                         community=home.parent, path=home.path)  # fmt: skip
        users.append(user)
    return users


# --- Measurements ----------------------------------------------------------------------------

RAW_NEARBY_SQL = """
SELECT t.id,
       ((t.lat - %(lat)s) * %(ky)s) * ((t.lat - %(lat)s) * %(ky)s)
     + ((t.lng - %(lng)s) * %(kx)s) * ((t.lng - %(lng)s) * %(kx)s) AS d2
FROM volunteers_task t
WHERE t.status = 'published' AND t.starts_at > %(now)s AND t.location_kind <> 'online'
  AND t.lat BETWEEN %(lat0)s AND %(lat1)s AND t.lng BETWEEN %(lng0)s AND %(lng1)s
  AND t.lat IS NOT NULL AND t.lng IS NOT NULL
  AND ((t.lat - %(lat)s) * %(ky)s) * ((t.lat - %(lat)s) * %(ky)s)
    + ((t.lng - %(lng)s) * %(kx)s) * ((t.lng - %(lng)s) * %(kx)s) <= %(r2)s
ORDER BY d2, t.starts_at, t.id
LIMIT %(limit)s
"""


def raw_nearby(lat: float, lng: float, now: dt.datetime, radius: float = 2.0) -> list[int]:
    """The first page of the nearby list in hand-written SQL (no scope, first ring only):
    the floor for `nearby_tasks`."""
    from django.db import connection

    from bastion.volunteers.selectors.tasks import KM_PER_DEGREE_LAT, KM_PER_DEGREE_LNG_AT_EQUATOR

    kx = KM_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(lat))
    ky = KM_PER_DEGREE_LAT
    params = {
        "lat": lat, "lng": lng, "kx": kx, "ky": ky, "now": now, "r2": radius * radius,
        "lat0": lat - radius / ky, "lat1": lat + radius / ky,
        "lng0": lng - radius / kx, "lng1": lng + radius / kx, "limit": PER_PAGE + 1,
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(RAW_NEARBY_SQL, params)
        return [row[0] for row in cursor.fetchall()]


def _fresh(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def measure_nearby(*, username: str, runs: int = 50) -> dict:
    """nearby_tasks for a fresh user object per run, vs the raw SQL floor; the first
    page's ids must agree with the raw SQL's."""
    from django.utils import timezone

    from bastion.volunteers.selectors.people import volunteer_of_user
    from bastion.volunteers.selectors.tasks import nearby_tasks, open_tasks

    now = timezone.now()
    probe = _fresh(username)
    volunteer = volunteer_of_user(probe)
    page = nearby_tasks(user=probe, now=now)
    raw = raw_nearby(volunteer.lat, volunteer.lng, now, radius=page.radius_km or 1e6)
    ids = [t.pk for t, _d in page.rows]
    agree = ids == raw[: len(ids)] if username.endswith("county") else None

    def naive():
        from django.db.models import ExpressionWrapper, F, FloatField

        kx = 111.32 * math.cos(math.radians(volunteer.lat))
        d2 = ExpressionWrapper(
            ((F("lat") - volunteer.lat) * 110.57) * ((F("lat") - volunteer.lat) * 110.57)
            + ((F("lng") - volunteer.lng) * kx) * ((F("lng") - volunteer.lng) * kx),
            output_field=FloatField(),
        )
        user = _fresh(username)
        qs = open_tasks(user=user, now=now).filter(lat__isnull=False).annotate(d2=d2)
        return list(qs.order_by("d2", "starts_at", "id")[: PER_PAGE + 1])

    return {
        "visible_open_tasks": open_tasks(user=probe, now=now).count(),
        "first_ring_km": page.radius_km,
        "first_distance_km": round(page.rows[0][1], 3) if page.rows else None,
        "rows": len(page.rows),
        "agree_with_raw": agree,
        "selector": _timed(lambda: nearby_tasks(user=_fresh(username), now=now), runs),
        "raw_sql": _timed(
            lambda: raw_nearby(volunteer.lat, volunteer.lng, now, radius=page.radius_km or 1e6),
            runs,
        ),
        "without_bounding_boxes": _timed(naive, max(5, runs // 5)),
    }


def measure_http(*, username: str, runs: int = 30) -> dict:
    """The landing page and the API endpoint through the Django test client."""
    from django.test import Client
    from django.test.utils import setup_test_environment

    try:
        setup_test_environment()
    except RuntimeError:
        pass  # already set up (under pytest)
    client = Client()
    client.force_login(_fresh(username))

    def get(path: str):
        def call():
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")

        return call

    return {
        "page": _timed(get("/volunteers/"), runs),
        "api": _timed(get("/api/v1/volunteers/tasks/nearby"), runs),
    }


def explain(username: str) -> str:
    """PostgreSQL's plan for the first ring of the nearby query (for BENCHMARKS.md)."""
    from django.db import connection
    from django.db.models import ExpressionWrapper, F, FloatField
    from django.utils import timezone

    from bastion.volunteers.selectors.people import volunteer_of_user
    from bastion.volunteers.selectors.tasks import NEARBY_RINGS, open_tasks

    if connection.vendor != "postgresql":
        return ""
    user = _fresh(username)
    v = volunteer_of_user(user)
    kx = 111.32 * math.cos(math.radians(v.lat))
    d2 = ExpressionWrapper(
        ((F("lat") - v.lat) * 110.57) * ((F("lat") - v.lat) * 110.57)
        + ((F("lng") - v.lng) * kx) * ((F("lng") - v.lng) * kx),
        output_field=FloatField(),
    )
    r = NEARBY_RINGS[0]  # the first ring, as nearby_tasks asks it
    qs = (
        open_tasks(user=user, now=timezone.now())
        .select_related(None)
        .select_related("kind")
        .filter(
            lat__gte=v.lat - r / 110.57,
            lat__lte=v.lat + r / 110.57,
            lng__gte=v.lng - r / kx,
            lng__lte=v.lng + r / kx,
        )  # fmt: skip
        .annotate(d2=d2)
        .filter(d2__lte=r * r)
        .order_by("d2", "starts_at", "id")[: PER_PAGE + 1]
    )
    return qs.explain(analyze=True)


# --- Orchestration ---------------------------------------------------------------------------


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks volunteers")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the bench database")
    args = parser.parse_args(argv)

    url = _bench_url()
    _ensure_database(url, fresh=args.fresh)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bastion.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    from bastion.volunteers.models import Task

    if Task.objects.exists():
        data = {"reused": True, "tasks": Task.objects.count()}
    else:
        data = generate(tasks=args.tasks)
    result = {
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "data": data,
        "county_volunteer": measure_nearby(username="bench_volunteer_county", runs=args.runs),
        "community_volunteer": measure_nearby(username="bench_volunteer", runs=args.runs),
        "http_county_volunteer": measure_http(
            username="bench_volunteer_county", runs=args.runs // 2
        ),
    }
    for key in ("county_volunteer", "community_volunteer"):
        r = result[key]
        r["ratio_to_raw"] = round(
            r["selector"]["median_ms"] / max(r["raw_sql"]["median_ms"], 0.01), 1
        )
    plan = explain("bench_volunteer_county")
    OUT.mkdir(exist_ok=True)
    (OUT / "volunteers.json").write_text(
        json.dumps({**result, "plan": plan}, indent=2, default=str)
    )
    print(json.dumps(result, indent=2, default=str))
    print(plan)
    target = result["county_volunteer"]["selector"]["median_ms"]
    print(f"\nnearby list among {data['tasks']} open tasks: median {target} ms (target < 50 ms)")
    return 0 if target < 50 else 1
