"""Command benchmark: the pages and figures the county command and the towns open all day,
on a county of realistic size.

`python -m benchmarks command [--units N] [--directives N] [--incidents N]` on PostgreSQL
(DATABASE_URL names the server; the benchmark creates and migrates its own database
`bastion_bench_cmd` there and drops nothing else). Data is written with bulk inserts:
`--units` communities in 18 towns, `--directives` directives each to every town and
community, as many notices, `--incidents` incidents across the grids. Measured in process
with Django's test client (median and p95 of repeated requests, after a warm-up) and the
periodic jobs once. Figures go to stdout and to benchmarks/out/command.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import run_child
from benchmarks.monitoring import _bench_url, _ensure_database, _timed

OUT = Path(__file__).parent / "out"
BENCH_DB = "bastion_bench_cmd"
ROOT = Path(__file__).resolve().parent.parent
COUNTY = "430121000000"
TOWNS = 18


# --- Data ---------------------------------------------------------------------------------


def _regions(units: int):
    from bastion.geo.models import Level, Region

    county = Region.objects.create(
        code=COUNTY, name="长沙县", level=Level.COUNTY, path=f"{COUNTY}/"
    )
    towns, communities, grids = [], [], []
    for t in range(1, TOWNS + 1):
        code = f"430121{t:03d}000"
        towns.append(
            Region(
                code=code,
                name=f"镇{t}",
                level=Level.TOWN,
                parent=county,
                path=f"{county.path}{code}/",
                depth=1,
            )
        )
    Region.objects.bulk_create(towns)
    towns = list(Region.objects.filter(parent=county).order_by("code"))
    for n in range(units):
        town = towns[n % TOWNS]
        code = f"{town.code[:9]}{n // TOWNS + 1:03d}"
        communities.append(
            Region(
                code=code,
                name=f"社区{n}",
                level=Level.COMMUNITY,
                parent=town,
                path=f"{town.path}{code}/",
                depth=2,
            )
        )
    Region.objects.bulk_create(communities)
    communities = list(Region.objects.filter(level=Level.COMMUNITY).order_by("code"))
    for community in communities:
        code = f"{community.code}001"
        grids.append(
            Region(
                code=code,
                name="网格1",
                level=Level.GRID,
                parent=community,
                path=f"{community.path}{code}/",
                depth=3,
            )
        )
    Region.objects.bulk_create(grids)
    return (
        county,
        towns,
        communities,
        list(Region.objects.filter(level=Level.GRID).order_by("code")),
    )


def _users(county, towns, communities):
    from django.contrib.auth import get_user_model

    from bastion.access.models import RoleAssignment
    from bastion.access.roles import Role

    users = get_user_model().objects
    command = users.create_user(username="bench_command", password="x" * 12)  # noqa: S106
    town = users.create_user(username="bench_town", password="x" * 12)  # noqa: S106
    community = users.create_user(username="bench_community", password="x" * 12)  # noqa: S106
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(
                user=command, role=Role.COUNTY_COMMAND, region=county, region_path=county.path
            ),
            RoleAssignment(
                user=town, role=Role.TOWN_OFFICER, region=towns[0], region_path=towns[0].path
            ),
            RoleAssignment(
                user=community,
                role=Role.COMMUNITY_OFFICER,
                region=communities[0],
                region_path=communities[0].path,
            ),
        ]
    )
    return command


def generate(*, units: int, directives: int, incidents: int) -> dict:
    """A county with `units` communities, directives and notices to every unit, incidents."""
    from django.db import transaction
    from django.utils import timezone

    from bastion.command.models import (
        Directive,
        DirectiveTarget,
        Incident,
        IncidentKind,
        Notice,
        NoticeTarget,
        NoticeVersion,
        TargetStatus,
    )
    from bastion.command.units import region_unit

    rng = random.Random(2020)  # noqa: S311 - benchmark data
    now = timezone.now()
    with transaction.atomic():
        county, towns, communities, grids = _regions(units)
        command = _users(county, towns, communities)
        issuer = region_unit(county)
        units_list = [region_unit(r) for r in [*towns, *communities]]
        statuses = [
            TargetStatus.SENT,
            TargetStatus.READ,
            TargetStatus.ACKNOWLEDGED,
            TargetStatus.IN_PROGRESS,
            TargetStatus.DONE,
        ]
        for n in range(directives):
            deadline = now + dt.timedelta(hours=rng.randint(-72, 72))
            directive = Directive.objects.create(
                **issuer.issuer_columns(), title=f"指令{n}", content="内容", deadline=deadline,
                issued_by=command, issued_at=deadline - dt.timedelta(days=3),
            )  # fmt: skip
            DirectiveTarget.objects.bulk_create(
                [
                    DirectiveTarget(
                        directive=directive, status=rng.choice(statuses), **u.target_columns()
                    )
                    for u in units_list
                ],
                batch_size=1000,
            )
            notice = Notice.objects.create(
                **issuer.issuer_columns(),
                kind="notice",
                title=f"通知{n}",
                published_by=command,
                published_at=now,
            )
            NoticeVersion.objects.create(notice=notice, number=1, body="正文", published_at=now)
            NoticeTarget.objects.bulk_create(
                [
                    NoticeTarget(
                        notice=notice,
                        added_at=now,
                        read_version=rng.choice([0, 1]),
                        **u.target_columns(),
                    )
                    for u in units_list
                ],
                batch_size=1000,
            )
        kinds = list(IncidentKind.objects.all())
        rows = []
        for n in range(incidents):
            grid = grids[n % len(grids)]
            community = communities[n % len(communities)]
            status = rng.choice(["reported", "registered", "dispatched", "handled", "closed"])
            handled = status in ("dispatched", "handled", "closed")
            unit = region_unit(community)
            rows.append(
                Incident(
                    number=f"B-{n:07d}",
                    kind=rng.choice(kinds),
                    grade="simple",
                    region=grid,
                    path=grid.path,
                    description="x",
                    reported_at=now - dt.timedelta(hours=rng.randint(1, 200)),
                    receiving_region=community,
                    receiving_path=community.path,
                    status=status,
                    handler_kind=unit.kind if handled else "",
                    handler_region=community if handled else None,
                    handler_key=unit.key if handled else "",
                    handler_name=unit.name if handled else "",
                    handler_region_path=community.path if handled else "",
                    deadline=now + dt.timedelta(hours=rng.randint(-48, 48)) if handled else None,
                    dispatched_at=now - dt.timedelta(hours=50) if handled else None,
                    closed_at=now - dt.timedelta(hours=1) if status == "closed" else None,
                )
            )
        Incident.objects.bulk_create(rows, batch_size=2000)
    return {
        "units": len(units_list),
        "directives": directives,
        "targets": DirectiveTarget.objects.count(),
        "notice_targets": NoticeTarget.objects.count(),
        "incidents": Incident.objects.count(),
    }


# --- Measurements -------------------------------------------------------------------------


def _client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure_pages(runs: int = 10) -> dict:
    from bastion.command.models import Directive

    county = _client("bench_command")
    town = _client("bench_town")
    directive = Directive.objects.order_by("-issued_at").first()
    pages = {
        "county: command home": (county, "/command/"),
        "county: directive list": (county, "/command/directives/"),
        "county: directive detail (all units)": (
            county,
            f"/command/directives/{directive.public_id}/",
        ),
        "county: incidents (open)": (county, "/command/incidents/"),
        "county: deadlines by unit": (county, "/command/incidents/units/"),
        "county: daily figures": (county, f"/command/figures/{COUNTY}/"),
        "town: inbox": (town, "/command/inbox/"),
        "town: directive list (received)": (town, "/command/directives/?side=received"),
    }
    results = {}
    for name, (client, url) in pages.items():

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        results[name] = _timed(get, runs)
    return results


def measure_indicators(runs: int = 5) -> dict:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bastion.command.indicators import INDICATORS
    from bastion.core.indicators import Scope

    user = get_user_model().objects.get(username="bench_command")
    now = timezone.now()
    return {i.code: _timed(lambda i=i: i.count(Scope(user=user), now), runs) for i in INDICATORS}


def measure_jobs() -> dict:
    from bastion.command.services.deadlines import (
        directive_escalations_send,
        directive_reminders_send,
        incident_escalations_send,
        incident_reminders_send,
    )

    out = {}
    for name, job in (
        ("directive reminders", directive_reminders_send),
        ("directive escalations", directive_escalations_send),
        ("incident reminders", incident_reminders_send),
        ("incident escalations", incident_escalations_send),
    ):
        started = time.perf_counter()
        sent = job()
        first = round((time.perf_counter() - started) * 1000, 1)
        started = time.perf_counter()
        again = job()
        out[name] = {
            "sent": sent,
            "first_run_ms": first,
            "second_run_ms": round((time.perf_counter() - started) * 1000, 1),
            "sent_again": again,
        }
    return out


def _child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    if args.child == "generate":
        from bastion.command.models import Directive

        if Directive.objects.exists():
            print(json.dumps({"reused": True, "directives": Directive.objects.count()}))
            return 0
        print(
            json.dumps(
                generate(units=args.units, directives=args.directives, incidents=args.incidents)
            )
        )
        return 0
    result = {"pages": measure_pages(), "indicators": measure_indicators(), "jobs": measure_jobs()}
    print(json.dumps(result, default=str))
    return 0


def _run(env: dict, *child_args: str) -> dict:
    return run_child(env, "benchmarks command", *child_args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks command", description=__doc__)
    parser.add_argument("--units", type=int, default=360, help="communities (18 towns on top)")
    parser.add_argument("--directives", type=int, default=60)
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--fresh", action="store_true", help="recreate bastion_bench_cmd first")
    parser.add_argument("--child", choices=["generate", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)
    url = _bench_url(BENCH_DB)
    _ensure_database(url, fresh=args.fresh, db=BENCH_DB)
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bastion.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, check=True
    )
    results: dict = {"cpus": os.cpu_count(), "at": dt.datetime.now(dt.UTC).isoformat()}
    started = time.perf_counter()
    results["data"] = _run(
        env,
        "--child",
        "generate",
        "--units",
        str(args.units),
        "--directives",
        str(args.directives),
        "--incidents",
        str(args.incidents),
    )
    results["data"]["seconds"] = round(time.perf_counter() - started, 1)
    results.update(_run(env, "--child", "measure"))
    _print(results)
    OUT.mkdir(exist_ok=True)
    (OUT / "command.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


def _print(results: dict) -> None:
    print(f"data: {results['data']}")
    for section in ("pages", "indicators"):
        print(f"\n{section}: median / p95 ms")
        for name, timing in results[section].items():
            print(f"  {name:45s} {timing['median_ms']:8.1f} {timing['p95_ms']:8.1f}")
    print("\njobs:")
    for name, job in results["jobs"].items():
        print(f"  {name:25s} {job}")
