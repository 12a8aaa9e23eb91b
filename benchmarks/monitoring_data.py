"""Synthetic monitoring data for the benchmark: regions, people, active observations with
五包一 teams, about 14 follow-ups each (written in time order, as the ledger grows), alerts.

Written with COPY on PostgreSQL (bulk_create elsewhere, for the smoke test), not services.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time
import uuid
from decimal import Decimal

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
    from bastion.monitoring.models import Alert, FollowUp, Observation, TeamMember
    from bastion.people.models import Person

    rng = random.Random(seed)  # noqa: S311 - synthetic data
    now = now or timezone.now()
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
        del person_rows
        people = list(
            Person.objects.filter(name__startswith="观察")
            .order_by("pk")
            .values_list("pk", "region_id", "path")
        )
        write_observations(
            people=people, seat_users=seat_users, worker=worker, worker_path=grids[0].path,
            now=now, rng=rng,
        )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM sets hint bits and the visibility map, as a live database has them.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
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


def write_observations(
    *, people: list[tuple], seat_users: dict, worker, worker_path: str, now: dt.datetime, rng
) -> None:
    """Active observations (day 1..14 spread) of `people` ((pk, grid pk, grid path)), their
    五包一 teams (seat_users: (town code, seat) -> user; `worker` takes the grid cadre's seat
    in worker_path), about 14 follow-ups each in time order, and fever alerts. COPY on
    PostgreSQL; the caller holds the transaction."""
    from django.utils import timezone

    from bastion.monitoring.models import (
        Alert,
        FollowUp,
        Observation,
        Policy,
        TeamMember,
        TeamTemplateRole,
    )

    today = timezone.localdate(now)
    policy = Policy.objects.get(category="returnee")
    seats = {s.code: s.pk for s in TeamTemplateRole.objects.filter(template=policy.team_template)}
    first = Observation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    obs_rows = []
    for i, (person_id, grid_id, grid_path) in enumerate(people):
        starts = today - dt.timedelta(days=i % 14)
        created = min(now - dt.timedelta(minutes=1), _local(starts, 8))
        obs_rows.append(
            {
                "public_id": uuid.uuid4(),
                "person_id": person_id,
                "policy_id": policy.pk,
                "region_id": grid_id,
                "path": grid_path,
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
    del obs_rows
    obs = list(
        Observation.objects.filter(policy=policy, pk__gt=first)
        .order_by("pk")
        .values_list("pk", "path", "starts_on")
    )
    team_rows = []
    recorders = {}
    for oid, path, _starts in obs:
        town_code = path.split("/")[1]
        recorders[oid] = seat_users[(town_code, "grid_cadre")].pk
        for seat in SEATS:
            user = seat_users[(town_code, seat)]
            if seat == "grid_cadre" and path == worker_path:
                user = worker
            team_rows.append(
                {
                    "observation_id": oid,
                    "seat_id": seats[seat],
                    "user_id": user.pk,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    _write(TeamMember, team_rows)
    del team_rows
    alert_rows = []
    # The ledger grows in time order, so write it day by day (team round, then self reports).
    for back in range(13, -1, -1):
        day = today - dt.timedelta(days=back)
        for source, hour in (("team", 9), ("self", 19 if back else 7)):
            rows = []
            for i, (oid, path, starts) in enumerate(obs):
                if starts > day or (back == 0 and i % 2):
                    continue
                observed = min(_local(day, hour, i % 60), now - dt.timedelta(minutes=1))
                fever = rng.random() < 0.01
                rows.append(
                    {
                        "observation_id": oid,
                        "path": path,
                        "observed_at": observed,
                        "entered_at": observed,
                        "local_date": day,
                        "source": source,
                        "recorded_by_id": recorders[oid] if source == "team" else None,
                        "temperature": Decimal("37.8")
                        if fever
                        else Decimal(rng.randint(360, 370)) / 10,
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
                            "resolved_at": None if back <= 1 else observed,
                            "notified_level": 0,
                        }
                    )
            _write(FollowUp, rows)
    _write(Alert, alert_rows)


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
