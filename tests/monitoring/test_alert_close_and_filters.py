"""Alerts close when their observation ends; the observation list's region filter is a
path prefix, not a string trim that also matches neighbouring towns (issue 6)."""

from __future__ import annotations

import datetime as dt

import pytest

from bastion.geo.models import Level
from bastion.geo.services import region_create
from bastion.monitoring.models import Alert
from bastion.monitoring.services.alerts import alert_raise, alerts_escalate
from bastion.monitoring.services.observations import (
    observation_end,
    observation_register,
    observation_release,
)
from tests.conftest import make_person
from tests.monitoring.conftest import OBSERVATION_LAST_DAY, SHANGHAI


def _alerts(observation):
    alert_raise(observation=observation, kind="fever", local_date=observation.starts_on,
                detail="38.5℃")  # fmt: skip
    alert_raise(observation=observation, kind="missed", local_date=observation.starts_on)
    return Alert.objects.filter(observation=observation)


def test_ending_an_observation_early_closes_its_alerts(county, observation):
    alerts = _alerts(observation)
    observation_end(actor=county.gridworker, observation=observation, reason="hospital", note="")
    assert alerts.filter(resolved_at__isnull=True).count() == 0
    closed = alerts.first()
    assert closed.resolved_by == county.gridworker and closed.resolve_note


def test_releasing_an_observation_closes_its_alerts(county, observation, doctor):
    from bastion.monitoring.services.followups import followup_record

    Alert.objects.all().delete()
    at = dt.datetime.combine(OBSERVATION_LAST_DAY, dt.time(9), tzinfo=SHANGHAI)
    followup_record(actor=doctor, observation=observation, observed_at=at, temperature="36.5",
                    symptoms=[], at_home=True, now=at)  # fmt: skip
    alert_raise(observation=observation, kind="missed", local_date=observation.starts_on, now=at)
    observation_release(actor=doctor, observation=observation, now=at + dt.timedelta(hours=1))
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


def test_closed_alerts_of_an_ended_observation_escalate_no_more(county, observation):
    _alerts(observation)
    observation_end(actor=county.gridworker, observation=observation, reason="moved", note="")
    later = Alert.objects.first().raised_at + dt.timedelta(days=2)
    assert alerts_escalate(now=later) == 0


def test_the_monitor_counts_no_open_fever_alert_for_an_ended_observation(county, observation):
    from django.utils import timezone

    from bastion.monitoring.selectors.monitor import monitor_counts

    _alerts(observation)
    assert monitor_counts(user=county.command)["totals"]["fever_alerts"] == 1
    observation_end(actor=county.gridworker, observation=observation, reason="hospital", note="")
    later = timezone.now() + dt.timedelta(seconds=1)
    assert monitor_counts(user=county.command, now=later)["totals"]["fever_alerts"] == 0


@pytest.fixture
def neighbours(county, policy):
    """Towns 430121010 and 430121011: a string trim of the first matches the second."""
    observations = {}
    for code, name in (("430121010000", "十号镇"), ("430121011000", "十一号镇")):
        town = region_create(code=code, name=name, level=Level.TOWN, parent=county.county)
        village = region_create(code=code[:9] + "001", name=name + "村", level=Level.VILLAGE,
                                parent=town)  # fmt: skip
        grid = region_create(code=village.code + "001", name=name + "网格", level=Level.GRID,
                             parent=village)  # fmt: skip
        observations[code] = observation_register(
            actor=county.command,
            policy=policy,
            person=make_person(grid, name + "人"),
            origin="武汉",
            arrived_on=dt.date(2026, 3, 1),
        )
    return observations


def test_the_list_filter_by_region_takes_that_subtree_only(county, neighbours, login):
    page = login(county.command).get("/monitoring/observations/", {"region": "430121010000"})
    names = [o.person.name for o in page.context["page"].object_list]
    assert names == ["十号镇人"]


def test_the_list_filter_by_a_region_out_of_scope_is_404(county, neighbours, login):
    page = login(county.gridworker).get("/monitoring/observations/", {"region": "430121010000"})
    assert page.status_code == 404


def test_the_api_filter_by_region_agrees(county, neighbours, login):
    response = login(county.command).get(
        "/api/v1/monitoring/observations", {"region": "430121010000"}
    )
    assert [i["person"]["name"] for i in response.json()["items"]] == ["十号镇人"]
