"""Escalation timing with frozen time, notifications once per level, missed alerts."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from bastion.access.models import Notification
from bastion.access.roles import Role
from bastion.monitoring.models import Alert, AlertKind
from bastion.monitoring.services.alerts import (
    alert_acknowledge,
    alert_raise,
    alerts_escalate,
    escalation_level,
    missed_alerts_raise,
)
from bastion.monitoring.services.followups import followup_record
from bastion.monitoring.services.observations import observation_register
from tests.conftest import make_user
from tests.monitoring.conftest import OBSERVATION_START, SHANGHAI

RAISED = dt.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def observation(county, policy, monitoring_users):
    """张建国 registered on day 1 morning (the shared fixture registers at the real now)."""
    with freeze_time(dt.datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI)):
        return observation_register(
            actor=county.gridworker,
            policy=policy,
            person=county.people["zhang"],
            origin="湖北省武汉市",
            arrived_on=OBSERVATION_START,
        )


@pytest.fixture
def gridworker_followup(county, observation):
    def record(at, temperature="36.5"):
        return followup_record(
            actor=county.gridworker,
            observation=observation,
            observed_at=at,
            temperature=temperature,
            symptoms=[],
            at_home=True,
            now=at,
        )

    return record


def _raise(observation):
    return alert_raise(
        observation=observation, kind=AlertKind.FEVER, local_date=RAISED.date(), now=RAISED
    )


def test_escalation_level_climbs_at_each_threshold(observation, policy):
    alert = _raise(observation)
    assert policy.escalation_hours == [2, 4, 8, 24]
    cases = [
        (dt.timedelta(hours=1, minutes=59), 0),
        (dt.timedelta(hours=2), 1),
        (dt.timedelta(hours=3, minutes=59), 1),
        (dt.timedelta(hours=4), 2),
        (dt.timedelta(hours=7, minutes=59), 2),
        (dt.timedelta(hours=8), 3),
        (dt.timedelta(hours=23, minutes=59), 3),
        (dt.timedelta(hours=24), 4),
        (dt.timedelta(days=10), 4),
    ]
    for delta, level in cases:
        assert escalation_level(alert, policy, RAISED + delta) == level, delta


def test_acknowledged_alert_stops_climbing(observation, policy, doctor):
    alert = _raise(observation)
    alert = alert_acknowledge(
        actor=doctor, alert=alert, note="已电话联系", now=RAISED + dt.timedelta(hours=3)
    )
    assert escalation_level(alert, policy, RAISED + dt.timedelta(days=3)) == 1


def _titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_escalation_notifies_each_level_once(county, observation, doctor):
    community2 = make_user("community2", Role.COMMUNITY_OFFICER, county.community_b1)
    alert = _raise(observation)
    Notification.objects.all().delete()
    with freeze_time(RAISED + dt.timedelta(hours=1)):
        assert alerts_escalate() == 0
    assert not Notification.objects.exists()

    with freeze_time(RAISED + dt.timedelta(hours=2, minutes=1)):
        assert alerts_escalate() == 1
        assert alerts_escalate() == 0  # a second run notifies nobody again
    assert len(_titles(doctor)) == 1
    assert "张**" in _titles(doctor)[0] and "张建国" not in _titles(doctor)[0]
    assert _titles(county.community) == []

    with freeze_time(RAISED + dt.timedelta(hours=8, minutes=5)):
        assert alerts_escalate() == 1  # levels 2 and 3 at once
    assert len(_titles(county.community)) == 1
    assert len(_titles(county.town)) == 1
    assert _titles(community2) == []  # a community officer elsewhere is not told
    assert _titles(county.command) == []
    alert.refresh_from_db()
    assert alert.notified_level == 3

    with freeze_time(RAISED + dt.timedelta(hours=30)):
        alerts_escalate()
        alerts_escalate()
    assert len(_titles(county.command)) == 1
    assert len(_titles(doctor)) == 1


def test_acknowledged_alert_is_not_escalated(county, observation, doctor):
    alert = _raise(observation)
    alert_acknowledge(actor=doctor, alert=alert, note="已处理中", now=RAISED)
    Notification.objects.all().delete()
    with freeze_time(RAISED + dt.timedelta(days=2)):
        assert alerts_escalate() == 0
    assert not Notification.objects.exists()


def test_missed_alerts_are_raised_once(observation, gridworker_followup):
    # Day 2026-03-05: no follow-up at all; day 2026-03-06 checked the next morning.
    now = dt.datetime(2026, 3, 6, 9, 0, tzinfo=SHANGHAI)
    assert missed_alerts_raise(now=now) == 1
    assert missed_alerts_raise(now=now) == 0
    alert = Alert.objects.get(kind=AlertKind.MISSED)
    assert alert.local_date == dt.date(2026, 3, 5)
    # A day with its follow-up raises nothing.
    gridworker_followup(dt.datetime(2026, 3, 6, 9, 30, tzinfo=SHANGHAI))
    assert missed_alerts_raise(now=dt.datetime(2026, 3, 7, 8, 0, tzinfo=SHANGHAI)) == 0
    assert Alert.objects.filter(kind=AlertKind.MISSED).count() == 1


def test_missed_alerts_skip_other_regions_and_days_before_the_period(county, observation):
    before = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # previous day 03-01 not in period
    assert missed_alerts_raise(now=before) == 0
    now = dt.datetime(2026, 3, 6, 9, 0, tzinfo=SHANGHAI)
    assert missed_alerts_raise(now=now, region_path=county.town_b.path) == 0
    assert missed_alerts_raise(now=now, region_path=county.town_a.path) == 1


def test_not_home_alert_is_idempotent_per_day(observation):
    day = RAISED.date()
    first = alert_raise(observation=observation, kind=AlertKind.NOT_HOME, local_date=day)
    again = alert_raise(observation=observation, kind=AlertKind.NOT_HOME, local_date=day)
    assert first.pk == again.pk
    fevers = [_raise(observation), _raise(observation)]
    assert fevers[0].pk != fevers[1].pk


def test_fever_followup_raises_alert_and_notifies_team(observation, county, doctor):
    Notification.objects.all().delete()
    followup_record(
        actor=county.gridworker,
        observation=observation,
        observed_at=RAISED,
        temperature="38.1",
        symptoms=[],
        at_home=True,
        now=RAISED,
    )
    alert = Alert.objects.get(kind=AlertKind.FEVER)
    notes = Notification.objects.filter(recipient=doctor)
    assert notes.count() == 1
    assert notes[0].link.endswith(f"/alerts/{alert.public_id}/")
