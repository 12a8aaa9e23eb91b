"""Recording follow-ups: validation, thresholds, alerts, corrections, late entries, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bastion.core.models import AuditEntry
from bastion.monitoring.models import Alert, FollowUp, ObservationStatus
from bastion.monitoring.services.followups import followup_record
from tests.monitoring.conftest import SHANGHAI


def record(observation, actor, now, **kw):
    data = {
        "observed_at": now,
        "temperature": "36.5",
        "symptoms": [],
        "at_home": True,
        "now": now,
    }
    data.update(kw)
    return followup_record(actor=actor, observation=observation, **data)


@pytest.mark.parametrize(
    ("temperature", "abnormal"),
    [("37.2", False), ("37.3", True), ("37.4", True), ("36.0", False)],
)
def test_threshold_edges(observation, county, in_period, temperature, abnormal):
    f = record(observation, county.gridworker, in_period, temperature=temperature)
    assert f.abnormal is abnormal
    assert f.temperature == Decimal(temperature)
    kinds = set(Alert.objects.filter(observation=observation).values_list("kind", flat=True))
    assert kinds == ({"fever"} if abnormal else set())


def test_a_symptom_is_abnormal_and_raises_a_symptom_alert(observation, county, in_period):
    f = record(observation, county.gridworker, in_period, symptoms=["cough", "cough"])
    assert f.abnormal and f.symptoms == ["cough"]
    assert list(Alert.objects.values_list("kind", flat=True)) == ["symptom"]


def test_not_at_home_raises_a_not_home_alert(observation, county, in_period):
    f = record(observation, county.gridworker, in_period, at_home=False)
    assert not f.abnormal
    assert list(Alert.objects.values_list("kind", flat=True)) == ["not_home"]


@pytest.mark.parametrize("temperature", ["33.9", "43.1", "abc", "NaN"])
def test_temperature_out_of_range_is_refused(observation, county, in_period, temperature):
    with pytest.raises(ValidationError) as exc:
        record(observation, county.gridworker, in_period, temperature=temperature)
    assert "temperature" in exc.value.message_dict
    assert not FollowUp.objects.exists()


def test_temperature_range_edges_are_accepted(observation, county, in_period):
    assert record(
        observation, county.gridworker, in_period, temperature="34.0"
    ).temperature == Decimal("34.0")
    assert record(observation, county.gridworker, in_period, temperature=43).temperature == Decimal(
        "43.0"
    )


def test_unknown_symptom_or_contact_is_refused(observation, county, in_period):
    with pytest.raises(ValidationError):
        record(observation, county.gridworker, in_period, symptoms=["headache"])
    with pytest.raises(ValidationError):
        record(observation, county.gridworker, in_period, contact="phoned")


def test_late_entry_keeps_observed_and_entered_times(observation, county, in_period):
    observed = in_period - dt.timedelta(days=2)
    f = record(observation, county.gridworker, in_period, observed_at=observed)
    assert f.observed_at == observed
    assert f.local_date == dt.date(2026, 3, 3)
    assert f.entered_at > observed


def test_local_date_follows_shanghai_day_boundary(observation, county, in_period):
    a = record(
        observation,
        county.gridworker,
        in_period,
        observed_at=dt.datetime(2026, 3, 3, 15, 59, tzinfo=dt.UTC),
    )
    b = record(
        observation,
        county.gridworker,
        in_period,
        observed_at=dt.datetime(2026, 3, 3, 16, 1, tzinfo=dt.UTC),
    )
    assert (a.local_date, b.local_date) == (dt.date(2026, 3, 3), dt.date(2026, 3, 4))


def test_not_before_starts_on_and_not_in_the_future(observation, county, in_period):
    with pytest.raises(ValidationError):
        record(
            observation,
            county.gridworker,
            in_period,
            observed_at=dt.datetime(2026, 3, 1, 23, 0, tzinfo=SHANGHAI),
        )
    with pytest.raises(ValidationError):
        record(
            observation, county.gridworker, in_period, observed_at=in_period + dt.timedelta(hours=1)
        )


def test_only_active_observations_accept_followups(observation, county, in_period):
    observation.status = ObservationStatus.RELEASED
    with pytest.raises(ValidationError):
        record(observation, county.gridworker, in_period)


def test_correction_replaces_and_cannot_be_made_twice(observation, county, in_period):
    first = record(observation, county.gridworker, in_period, temperature="38.0")
    fixed = record(observation, county.gridworker, in_period, temperature="36.8", corrects=first)
    assert fixed.corrects == first and not fixed.abnormal
    with pytest.raises(ValidationError) as exc:
        record(observation, county.gridworker, in_period, temperature="36.9", corrects=first)
    assert "corrects" in exc.value.message_dict
    # The correction itself may be corrected.
    again = record(observation, county.gridworker, in_period, temperature="36.7", corrects=fixed)
    assert again.corrects == fixed
    # The alert of the corrected entry stays.
    assert Alert.objects.filter(kind="fever").count() == 1


def test_correction_must_point_at_the_same_observation(observation, county, policy, in_period):
    from bastion.monitoring.services.observations import observation_register

    other = observation_register(
        actor=county.gridworker,
        policy=policy,
        person=county.people["li"],
        origin="武汉",
        arrived_on=observation.starts_on,
    )
    theirs = record(other, county.gridworker, in_period)
    with pytest.raises(ValidationError):
        record(observation, county.gridworker, in_period, corrects=theirs)


def test_team_member_may_record_and_outsiders_may_not(observation, county, doctor, in_period):
    assert record(observation, doctor, in_period).recorded_by == doctor
    for user in (county.outsider, county.auditor, county.teammember, None):
        with pytest.raises(PermissionDenied):
            record(observation, user, in_period)


def test_self_report_has_no_actor(observation, county, in_period):
    f = record(observation, county.gridworker, in_period, source="self")
    assert f.source == "self" and f.recorded_by is None


def test_audit_records_the_fact_not_the_temperature(observation, county, in_period):
    f = record(observation, county.gridworker, in_period, temperature="38.6", symptoms=["cough"])
    entry = AuditEntry.objects.get(object_type="monitoring.followup", object_id=str(f.pk))
    assert entry.action == "create" and entry.actor == county.gridworker
    text = f"{entry.object_repr} {entry.changes}"
    assert "38.6" not in text and "cough" not in text


def test_no_temperature_or_name_reaches_audit_or_notifications(observation, county, in_period):
    """Health data and full names stay out of audit entries, a follow-up's repr (used as
    an audit repr by default) and the fever alert's notifications."""
    from bastion.access.models import Notification

    f = record(observation, county.gridworker, in_period, temperature="38.7")
    assert "38.7" not in str(f)
    entries = AuditEntry.objects.all()
    texts = [f"{e.object_repr} {e.changes} {e.reason}" for e in entries]
    texts += [f"{n.title} {n.body}" for n in Notification.objects.all()]
    assert any("张**" in t for t in texts)
    for text in texts:
        assert "38.7" not in text and "张建国" not in text, text
