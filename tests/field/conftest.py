"""Field mode fixtures: one day of field work on the county personas.

`field_day` puts 张建国 and 李秀英 (grid A1-1) under observation since two days ago
(the grid worker sits on their teams), runs the town A campaign (tests/campaigns), and
gives the `volunteer` persona a claimed task running now in grid A1-1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from bastion.monitoring.models import Observation
from bastion.monitoring.services.observations import observation_register
from bastion.volunteers.models import Claim, Task
from bastion.volunteers.services.claims import claim_create
from tests.campaigns.conftest import campaign  # noqa: F401 - fixture used by name
from tests.mixins import api_login_client
from tests.monitoring.conftest import monitoring_users, policy  # noqa: F401
from tests.volunteers.conftest import shift_task, vol  # noqa: F401


@dataclass
class FieldDay:
    county: object
    campaign: object
    zhang: Observation
    li: Observation
    task: Task
    claim: Claim


def observe(county, policy, person):  # noqa: F811
    return observation_register(
        actor=county.gridworker,
        policy=policy,
        person=person,
        origin="湖北省武汉市",
        arrived_on=timezone.localdate() - dt.timedelta(days=2),
        transport="train",
        transport_number="G1234",
    )


@pytest.fixture
def field_day(county, policy, monitoring_users, campaign, vol) -> FieldDay:  # noqa: F811
    zhang = observe(county, policy, county.people["zhang"])
    li = observe(county, policy, county.people["li"])
    task = vol.make_task(title="松雅小区门岗")
    claim = claim_create(actor=county.volunteer, task=task).claim
    now = timezone.now()
    task = shift_task(
        task, starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=3)
    )
    return FieldDay(county, campaign, zhang, li, task, claim)


@pytest.fixture
def api_login(client):
    return lambda user: api_login_client(client, user)
