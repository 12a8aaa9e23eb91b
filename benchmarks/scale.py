"""The county at full scale (issue 14): 1,000,000 residents in about 300,000 households and
3,000 grids, 44,000 party members, 100,000 people under observation with 1.4 million
follow-ups, 1 million household visits, 100,000 volunteer tasks and 10,000 donations.

`python -m benchmarks scale [--factor F] [--fresh]` builds it on PostgreSQL in its own
database `bastion_bench_scale` (kept and reused: a second run only prints what is there).
`--factor` scales every count (0.001 is a 1,000-resident county); the suite's smoke test
calls `build()` at a tiny factor on the test database (SQLite or PostgreSQL).

Every part goes through a path the app itself uses for bulk data, so the records are valid
for every page: the regions through geo.services (the demo's layout: 18 towns, 3 villages
or communities each, grids with polygons and centroids), the residents through the roster
import (`people.importing.roster_import`: ID numbers validated, encrypted, blind-indexed,
households created), the demo logins and the party (`demo.users`, `party.demo`: 44,200
members through the people bulk path), and the domain ledgers with the benchmarks' COPY
writers (`monitoring_data`, `campaigns_data`, `volunteers`, `supplies`): COPY on
PostgreSQL, bulk_create (executemany) on SQLite. Each step prints its rate.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALE_DB = "bastion_bench_scale"
FULL = {
    "residents": 1_000_000,
    "observations": 100_000,
    "visits": 1_000_000,
    "tasks": 100_000,
    "donations": 10_000,
}
GRIDS_PER_VILLAGE = 56  # 18 towns x 3 units x 56 = 3,024 grids at factor 1
ROSTER_HEADER = ["姓名", "身份证号", "手机号码", "性别", "现住址", "网格编码", "户号", "与户主关系"]


def counts(factor: float) -> dict[str, int]:
    return {k: max(2, round(v * factor)) for k, v in FULL.items()}


def layout(factor: float):
    """The demo's DemoSize for the factor: the demo's 18 towns x 3 units at any real size
    (so the party demo's figures come out at their full 44,200 members), two grids below."""
    from bastion.demo.generator import DemoSize

    if factor < 0.02:
        return DemoSize(villages_per_town=2, grids_per_village=1, households_per_grid=0, towns=1)
    grids = max(1, round(GRIDS_PER_VILLAGE * factor))
    return DemoSize(villages_per_town=3, grids_per_village=grids, households_per_grid=0, towns=18)


class Steps:
    """Runs named steps and prints each one's rate."""

    def __init__(self, out: Callable[[str], None]):
        self.out, self.done, self.started = out, {}, time.perf_counter()

    def run(self, name: str, fn: Callable[[], int]) -> int:
        started = time.perf_counter()
        n = fn()
        seconds = time.perf_counter() - started
        self.done[name] = {"rows": n, "seconds": round(seconds, 1)}
        self.out(
            f"{name:<24}{n:>11,} rows {seconds:8.1f} s {n / max(seconds, 1e-6):>11,.0f} rows/s"
        )
        return n


# --- Parts ---------------------------------------------------------------------------


def build_regions(factor: float, rng: random.Random) -> list:
    """County, towns, villages/communities and grids with polygons; the GridPlans."""
    from django.db import transaction

    from bastion.demo.generator import build_regions as demo_regions

    with transaction.atomic():
        return list(demo_regions(layout(factor), rng))


def write_roster(path: Path, plans: list, residents: int, rng: random.Random) -> int:
    """A roster CSV of `residents` people in households of the demo's shape, spread over
    the grids round robin; returns the number of households."""
    from bastion.demo.generator import PeopleFactory, household_label

    factory = PeopleFactory(rng)
    written = households = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ROSTER_HEADER)
        while written < residents:
            plan = plans[households % len(plans)]
            label = household_label(plan.unit_level, households // len(plans))
            members = factory.household()[: residents - written]
            for row in members:
                writer.writerow(
                    [
                        row.name,
                        row.id_number,
                        row.phone,
                        "男" if row.gender == "M" else "女",
                        f"{plan.address_prefix}{label}",
                        plan.grid.code,
                        label,
                        row.relation_to_head,
                    ]
                )
            written += len(members)
            households += 1
    return households


def import_roster(path: Path) -> int:
    from bastion.people.importing import roster_import

    report = roster_import(actor=None, source=path, filename=path.name)
    if not report.committed:
        raise RuntimeError(f"roster import failed: {report.file_error or report.errors[:3]}")
    return report.rows_read


def bench_users(county, plans: list) -> dict:
    """The benchmarks' logins: county command, a town officer, a grid worker (with an API
    token), the monitoring team's seats per town."""
    from django.db import transaction

    from bastion.access.roles import Role
    from bastion.access.services import api_token_create
    from benchmarks.monitoring_data import SEATS, _user

    with transaction.atomic():
        grid = plans[0].grid
        town = grid.parent.parent
        users = {
            "command": _user("bench_command", Role.COUNTY_COMMAND, county),
            "town": _user("bench_town", Role.TOWN_OFFICER, town),
            "grid": _user("bench_grid", Role.GRID_WORKER, grid),
        }
        towns = {p.grid.path.split("/")[1]: p.grid.parent.parent for p in plans}
        users["seats"] = {
            (code, seat): _user(f"bench_{seat}_{code}", Role.TEAM_MEMBER, t)
            for code, t in towns.items()
            for seat in SEATS
        }
        api_token_create(actor=users["grid"], user=users["grid"], name="bench")
    return users


def demo_logins_and_party(county, rng: random.Random, now: dt.datetime) -> int:
    """The demo's logins, then the party demo (organizations, 44,200 members at full size)."""
    from django.db import transaction

    from bastion.demo.users import create_demo_users, demo_admin
    from bastion.party.demo import seed_party
    from bastion.party.models import PartyMember

    with transaction.atomic():
        create_demo_users(actor=demo_admin())
        seed_party(rng=rng, county=county, now=now)
    return PartyMember.objects.count()


def observations(users: dict, grid_path: str, n: int, now: dt.datetime, rng) -> int:
    """n residents spread over the county put under observation, with their follow-ups."""
    from django.db import transaction

    from bastion.monitoring.models import FollowUp
    from bastion.people.models import Person
    from benchmarks.monitoring_data import write_observations

    people = list(
        Person.objects.filter(household__isnull=False)
        .order_by("pk")
        .values_list("pk", "region_id", "path")
    )
    step = max(1, len(people) // n)
    chosen = people[::step][:n]
    # The grid worker's own grid always has people under observation.
    taken = set(chosen)
    chosen += [p for p in people if p[2] == grid_path and p not in taken][: max(1, n // 3000)]
    del people
    with transaction.atomic():
        write_observations(
            people=chosen,
            seat_users=users["seats"],
            worker=users["grid"],
            worker_path=grid_path,
            now=now,
            rng=rng,
        )
    return FollowUp.objects.count()


def visits(county, command, n: int, now: dt.datetime, rng) -> int:
    from django.db import transaction

    from bastion.campaigns.models import HouseholdVisit
    from bastion.geo.models import Household
    from benchmarks.campaigns_data import write_campaign

    homes = list(Household.objects.order_by("pk").values_list("pk", "path"))
    with transaction.atomic():
        write_campaign(county=county, homes=homes, visits=n, command=command, now=now, rng=rng)
    return HouseholdVisit.objects.count()


def tasks(county, n: int, now: dt.datetime, rng) -> int:
    from django.db import transaction

    from bastion.geo.models import Level, Region
    from bastion.volunteers.models import Task
    from benchmarks.volunteers import volunteer_users, write_tasks

    grids = list(
        Region.objects.filter(level=Level.GRID, path__startswith=county.path)
        .select_related("parent")
        .order_by("path")
    )
    with transaction.atomic():
        write_tasks(grids=grids, tasks=n, now=now, rng=rng)
        volunteer_users(county=county, home=grids[0])
    return Task.objects.count()


def donations(county, n: int) -> int:
    from bastion.geo.models import Region
    from benchmarks.supplies import generate

    town = Region.objects.filter(parent=county).order_by("code").first()
    return generate(donations=n, county=county, town=town)["donations"]


def analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


# --- The build -----------------------------------------------------------------------


def build(
    *, factor: float = 1.0, seed: int = 2020, out: Callable[[str], None] = print, tmp=None
) -> dict:
    """Build the county at `factor` on the current database; its figures and step rates."""
    from django.utils import timezone

    from bastion.demo.generator import county_exists, county_exists_error

    if county_exists():
        raise county_exists_error()
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    now = timezone.now()
    n = counts(factor)
    steps = Steps(out)
    out(f"building the county at factor {factor}: {n}")
    plans: list = []
    steps.run("regions", lambda: len(plans.extend(build_regions(factor, rng)) or plans))
    county = plans[0].grid.parent.parent.parent
    with tempfile.TemporaryDirectory(dir=tmp) as folder:
        roster = Path(folder) / "county_roster.csv"
        households = steps.run(
            "roster file (households)", lambda: write_roster(roster, plans, n["residents"], rng)
        )
        steps.run("residents (roster import)", lambda: import_roster(roster))
    users: dict = {}
    steps.run("logins", lambda: len(users.update(bench_users(county, plans)) or users["seats"]))
    steps.run("party members", lambda: demo_logins_and_party(county, rng, now))
    steps.run(
        "follow-ups",
        lambda: observations(users, plans[0].grid.path, n["observations"], now, rng),
    )
    steps.run("household visits", lambda: visits(county, users["command"], n["visits"], now, rng))
    steps.run("volunteer tasks", lambda: tasks(county, n["tasks"], now, rng))
    steps.run("donations", lambda: donations(county, n["donations"]))
    steps.run("vacuum analyze", lambda: analyze() or 0)
    total = time.perf_counter() - steps.started
    out(f"county built in {total:.0f} s")
    return {"factor": factor, "households": households, "steps": steps.done, **figures()}


def figures() -> dict:
    """What the county holds now."""
    from bastion.campaigns.models import HouseholdVisit
    from bastion.geo.models import Household, Level, Region
    from bastion.monitoring.models import FollowUp, Observation
    from bastion.party.models import PartyMember
    from bastion.people.models import Person
    from bastion.supplies.models import Donation
    from bastion.volunteers.models import Task

    return {
        "grids": Region.objects.filter(level=Level.GRID).count(),
        "households_in_db": Household.objects.count(),
        "people": Person.objects.count(),
        "party_members": PartyMember.objects.count(),
        "observations": Observation.objects.count(),
        "followups": FollowUp.objects.count(),
        "visits": HouseholdVisit.objects.count(),
        "tasks": Task.objects.count(),
        "donations": Donation.objects.count(),
    }


# --- Orchestration (PostgreSQL database of its own) ------------------------------------


def scale_env(db: str = SCALE_DB) -> dict:
    from benchmarks.monitoring import _bench_url

    url = _bench_url(db)
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bastion.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def ensure(*, factor: float, fresh: bool = False, db: str = SCALE_DB) -> dict:
    """Create/migrate the scale database and build the county unless it is there."""
    from benchmarks.monitoring import _ensure_database

    env = scale_env(db)
    _ensure_database(env["DATABASE_URL"], fresh=fresh, db=db)
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, check=True
    )
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", "--child", "--factor", str(factor)],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _child(factor: float) -> int:
    import django

    django.setup()
    from bastion.demo.generator import county_exists

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if county_exists():
        result = {"reused": True, **figures()}
        say(f"county already built, reused: {result}")
    else:
        result = build(factor=factor, out=say)
    print(json.dumps(result, default=str))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks scale", description=__doc__)
    parser.add_argument("--factor", type=float, default=1.0, help="1 = the full county")
    parser.add_argument("--fresh", action="store_true", help=f"drop and rebuild {SCALE_DB}")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 0 < args.factor <= 2:
        raise SystemExit("--factor must be in (0, 2]")
    if args.child:
        return _child(args.factor)
    result = ensure(factor=args.factor, fresh=args.fresh)
    print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    if "--child" in sys.argv:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bastion.settings")
    raise SystemExit(main())
