"""Command fixtures on top of the county personas (tests/conftest.py).

The county command (`command`, region grant on the county) issues to towns; the town
officer (`town`, town A) answers for town A and issues to community A1, whose officer is
`community`. `officer_b` is a town officer of town B, the neighbour. The outsider is a
grid worker in town B. Times are fixed: NOW is 2026-03-05 10:00 Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bastion.access.roles import Role
from bastion.command.models import IncidentKind
from bastion.command.services.directives import directive_issue
from bastion.command.services.incidents import incident_report
from bastion.command.services.notices import notice_publish
from bastion.command.units import region_unit
from tests.conftest import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)
DEADLINE = NOW + dt.timedelta(days=2)


@pytest.fixture
def kinds(db):
    """The seeded incident kinds (a transactional test flushes the data migration's rows)."""
    if not IncidentKind.objects.filter(code="other").exists():
        from importlib import import_module

        from django.apps import apps

        import_module("bastion.command.migrations.0002_default_incident_kinds").seed(apps, None)
    return {k.code: k for k in IncidentKind.objects.all()}


@pytest.fixture
def officer_b(county):
    return make_user("officer_b", Role.TOWN_OFFICER, county.town_b)


@pytest.fixture
def county_unit(county):
    return region_unit(county.county)


@pytest.fixture
def directive(county, county_unit, officer_b):
    """The county command orders both towns to check every household by DEADLINE."""
    return directive_issue(
        actor=county.command,
        issuer=county_unit,
        title="全面排查返乡人员",
        content="各镇街于两日内完成辖区返乡人员全面排查，逐户登记。",
        deadline=DEADLINE,
        targets=[f"region:{county.town_a.code}", f"region:{county.town_b.code}"],
        now=NOW,
    )


def target_of(directive, region):
    return directive.targets.get(region=region)


@pytest.fixture
def notice(county, county_unit, officer_b):
    return notice_publish(
        actor=county.command,
        issuer=county_unit,
        kind="measure",
        title="六条防控措施",
        body="一、严格卡口管理……",
        targets=[f"region:{county.town_a.code}", f"region:{county.town_b.code}"],
        now=NOW,
    )


@pytest.fixture
def incident(county, kinds):
    """A simple incident at grid A1-1, reported by its grid worker: community A1 receives it."""
    return incident_report(
        actor=county.gridworker,
        kind="venue_violation",
        grade="simple",
        region=county.grid_a1_1,
        description="麻将馆违规营业，聚集十余人",
        place="松雅路12号",
        now=NOW,
    )


@pytest.fixture
def meeting(county, county_unit):
    from bastion.command.services.meetings import meeting_record

    return meeting_record(
        actor=county.command,
        host=county_unit,
        kind="video_dispatch",
        title="第5次视频调度会",
        held_at=NOW - dt.timedelta(hours=2),
        attendees="县指挥部\n星沙街道\n黄兴镇",
        summary="通报疫情，部署排查。",
        decisions=[
            {
                "text": "各镇街当天完成返乡人员排查",
                "owner": "各镇街",
                "due_on": dt.date(2026, 3, 6),
            },
            {"text": "加强卡口值守"},
        ],
    )


@pytest.fixture
def daily_form(county):
    from bastion.command.services.dailyforms import daily_form_create

    return daily_form_create(
        actor=county.command,
        region=county.county,
        name="村社区每日工作情况",
        levels=["village", "community"],
        deadline_hour=18,
        fields=[
            {"code": "meetings_held", "label": "召开会议次数", "kind": "integer"},
            {"code": "notes", "label": "其他情况", "kind": "text", "required": False},
        ],
    )


@pytest.fixture
def api_login(client):
    """api_login(user) -> a test client whose session the API accepts."""
    from tests.mixins import api_login_client

    return lambda user: api_login_client(client, user)
