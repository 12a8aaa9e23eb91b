"""Shared monitoring fixtures: the returnee policy and 张建国 under observation with a full
五包一 team filled from standing seat duties (SeatAssignment).

Team of the `observation` fixture (grid A1-1, town A):
  town_liaison  -> monitoring_users["liaison"]        (seat duty at town A)
  grid_cadre    -> county.gridworker                  (seat duty at grid A1-1)
  village_cadre -> monitoring_users["village_cadre"]  (seat duty at community A1)
  police        -> monitoring_users["police"]         (seat duty at town A)
  village_doctor-> monitoring_users["doctor"]         (seat duty at community A1; confirms release)
The seat holders other than the grid worker hold only the team_member role at town A,
so they see people through their team seats alone.

Dates: day 1 is OBSERVATION_START (2026-03-02, Asia/Shanghai); 14 days, last day 2026-03-15.
Freeze time (freezegun) or pass `now=` to services; `in_period` is 2026-03-05 10:00 local.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bastion.access.roles import Role
from bastion.monitoring.models import Policy, SeatAssignment
from bastion.monitoring.services.observations import observation_register
from tests.conftest import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
OBSERVATION_START = dt.date(2026, 3, 2)
OBSERVATION_LAST_DAY = dt.date(2026, 3, 15)


@pytest.fixture
def policy(db) -> Policy:
    """The returnee policy (返乡人员) from the data migration: 14 days from arrival.

    A transactional test (the browser tests) flushes the database afterwards, data
    migrations included; seed the defaults again the way the migration does.
    """
    if not Policy.objects.filter(category="returnee").exists():
        from importlib import import_module

        from django.apps import apps

        import_module("bastion.monitoring.migrations.0002_default_policies").seed(apps, None)
    return Policy.objects.get(category="returnee")


@pytest.fixture
def monitoring_users(county) -> dict:
    """Seat holders of town A: doctor, police, liaison, village_cadre (+ the grid worker)."""
    users = {
        name: make_user(name, Role.TEAM_MEMBER, county.town_a)
        for name in ("doctor", "police", "liaison", "village_cadre")
    }
    duties = [
        ("liaison", "town_liaison", county.town_a),
        ("village_cadre", "village_cadre", county.community_a1),
        ("police", "police", county.town_a),
        ("doctor", "village_doctor", county.community_a1),
    ]
    for name, code, region in duties:
        SeatAssignment.objects.create(
            user=users[name], seat_code=code, region=region, path=region.path
        )
    SeatAssignment.objects.create(
        user=county.gridworker,
        seat_code="grid_cadre",
        region=county.grid_a1_1,
        path=county.grid_a1_1.path,
    )
    users["gridworker"] = county.gridworker
    return users


@pytest.fixture
def doctor(monitoring_users):
    return monitoring_users["doctor"]


@pytest.fixture
def police(monitoring_users):
    return monitoring_users["police"]


@pytest.fixture
def liaison(monitoring_users):
    return monitoring_users["liaison"]


@pytest.fixture
def village_cadre(monitoring_users):
    return monitoring_users["village_cadre"]


@pytest.fixture
def in_period() -> dt.datetime:
    return dt.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def observation(county, policy, monitoring_users):
    """张建国 (grid A1-1) returned from 武汉 by train G1234, under the returnee policy."""
    return observation_register(
        actor=county.gridworker,
        policy=policy,
        person=county.people["zhang"],
        origin="湖北省武汉市",
        arrived_on=OBSERVATION_START,
        transport="train",
        transport_number="G1234",
    )
