"""`bastion purge`: retention per policy after release; dry run writes nothing; person kept."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from freezegun import freeze_time

import bastion.urls  # noqa: F401 - build the API schemas before time is frozen
from bastion.core.models import AuditEntry
from bastion.monitoring.models import (
    Alert,
    Extension,
    FollowUp,
    Observation,
    Policy,
    ServiceRequest,
    TeamMember,
)
from bastion.monitoring.services.alerts import alert_raise
from bastion.monitoring.services.followups import followup_record
from bastion.monitoring.services.homeservice import service_request_create
from bastion.monitoring.services.observations import (
    observation_end,
    observation_extend,
    observation_register,
)
from bastion.monitoring.services.purge import observations_purge
from bastion.monitoring.services.selfreport import selfreport_token_issue
from bastion.people.models import Person
from tests.monitoring.conftest import OBSERVATION_START, SHANGHAI

ENDED_AT = dt.datetime(2026, 3, 6, 12, 0, tzinfo=SHANGHAI)


def _full(county, observation, in_period, *, end: bool = True):
    """Give an observation a follow-up, a correction, alerts, a service, an extension, a token."""
    with freeze_time(in_period):
        first = followup_record(
            actor=county.gridworker,
            observation=observation,
            observed_at=in_period,
            temperature="38.2",
            symptoms=["cough"],
            at_home=True,
        )
        followup_record(
            actor=county.gridworker,
            observation=observation,
            observed_at=in_period,
            temperature="36.5",
            symptoms=[],
            at_home=True,
            corrects=first,
        )
        alert_raise(observation=observation, kind="missed", local_date=in_period.date())
        service_request_create(actor=county.gridworker, observation=observation, kind="groceries")
        observation_extend(actor=county.gridworker, observation=observation, days=2, reason="复查")
        selfreport_token_issue(actor=county.gridworker, observation=observation)
    if end:
        observation_end(
            actor=county.gridworker,
            observation=observation,
            reason="moved",
            note="迁往外地",
            now=ENDED_AT,
        )
    observation.refresh_from_db()
    return observation


def _rows(observation) -> dict:
    return {
        "followups": FollowUp.objects.filter(observation=observation).count(),
        "alerts": Alert.objects.filter(observation=observation).count(),
        "services": ServiceRequest.objects.filter(observation=observation).count(),
        "team": TeamMember.objects.filter(observation=observation).count(),
        "extensions": Extension.objects.filter(observation=observation).count(),
    }


def test_dry_run_writes_nothing(county, observation, in_period):
    observation = _full(county, observation, in_period)
    before, audits = _rows(observation), AuditEntry.objects.count()
    report = observations_purge(now=ENDED_AT + dt.timedelta(days=31), dry_run=True)
    assert report.observations == 1
    assert report.deleted["followups"] == 2 and report.deleted["team_members"] == 5
    assert _rows(observation) == before and AuditEntry.objects.count() == audits
    observation.refresh_from_db()
    assert observation.anonymized_at is None and observation.origin == "湖北省武汉市"


def test_purge_deletes_data_and_anonymizes_but_keeps_person(county, observation, in_period):
    observation = _full(county, observation, in_period)
    now = ENDED_AT + dt.timedelta(days=31)
    report = observations_purge(now=now, dry_run=False)
    assert report.observations == 1
    assert report.deleted["alerts"] >= 2 and report.deleted["selfreport_tokens"] == 1
    assert _rows(observation) == dict.fromkeys(_rows(observation), 0)
    observation.refresh_from_db()
    assert observation.anonymized_at == now
    assert observation.origin == "" and observation.transport_number == ""
    assert observation.self_report_token_hash == "" and observation.household_id is None
    assert observation.policy.category == "returnee" and observation.starts_on == OBSERVATION_START
    assert observation.region == county.grid_a1_1
    assert Person.objects.filter(pk=county.people["zhang"].pk).exists()
    entry = AuditEntry.objects.filter(object_type="monitoring.purge").get()
    assert entry.changes["observations"] == 1 and entry.action == "delete"
    # A second run finds nothing more to do.
    assert observations_purge(now=now, dry_run=False).observations == 0


def test_purge_respects_retention_per_policy(county, observation, in_period, policy):
    observation = _full(county, observation, in_period)
    contact_policy = Policy.objects.get(category="close_contact")
    Policy.objects.filter(pk=contact_policy.pk).update(retention_days=90)
    other = observation_register(
        actor=county.gridworker,
        policy=contact_policy,
        person=county.people["li"],
        origin="密接",
        last_contact_on=OBSERVATION_START,
    )
    observation_end(
        actor=county.gridworker, observation=other, reason="moved", note="x", now=ENDED_AT
    )
    report = observations_purge(now=ENDED_AT + dt.timedelta(days=31), dry_run=False)
    by_category = {p.category: p.observations for p in report.policies}
    assert by_category["returnee"] == 1 and by_category["close_contact"] == 0
    other.refresh_from_db()
    assert other.anonymized_at is None and other.origin == "密接"
    # Not yet past 30 days: untouched.
    assert observations_purge(now=ENDED_AT + dt.timedelta(days=29)).observations == 0


def test_active_observations_are_untouched(county, observation, in_period):
    observation = _full(county, observation, in_period, end=False)
    before = _rows(observation)
    report = observations_purge(now=ENDED_AT + dt.timedelta(days=400), dry_run=False)
    assert report.observations == 0
    assert _rows(observation) == before
    observation.refresh_from_db()
    assert observation.anonymized_at is None and observation.self_report_token_hash


@pytest.mark.parametrize("dry_run", [True, False])
def test_purge_command_prints_report(county, observation, in_period, dry_run):
    _full(county, observation, in_period)
    out = StringIO()
    args = ["purge", "--now", "2026-04-10T12:00"] + (["--dry-run"] if dry_run else [])
    call_command(*args, stdout=out)
    text = out.getvalue()
    assert "返乡人员" in text and "followups" in text
    assert ("试运行" in text) is dry_run
    assert Observation.objects.filter(anonymized_at__isnull=False).count() == (0 if dry_run else 1)


def test_purge_deletes_the_arrivals_up_to_the_end_of_the_observation(
    county, observation, in_period
):
    from bastion.monitoring.models import Arrival

    observation = _full(county, observation, in_period)
    person = observation.person
    assert Arrival.objects.filter(person=person).exists()  # registration recorded one
    later = Arrival.objects.create(
        person=person, path=person.path, origin="广东省深圳市", arrived_on=dt.date(2026, 6, 1)
    )
    dry = observations_purge(now=ENDED_AT + dt.timedelta(days=31), dry_run=True)
    assert dry.deleted["arrivals"] == 1
    observations_purge(now=ENDED_AT + dt.timedelta(days=31), dry_run=False)
    assert list(Arrival.objects.filter(person=person)) == [later]
