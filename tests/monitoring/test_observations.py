"""Observation lifecycle: register, duplicates, release rules, early end, extension."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bastion.access.models import Notification
from bastion.core.models import AuditEntry
from bastion.monitoring.models import Arrival, FollowUp, Observation, ObservationStatus, Policy
from bastion.monitoring.services.observations import (
    observation_end,
    observation_extend,
    observation_register,
    observation_release,
)
from bastion.people.models import Person
from bastion.people.services import PersonInput
from tests.monitoring.conftest import OBSERVATION_LAST_DAY, SHANGHAI

AFTER = dt.datetime(2026, 3, 16, 9, 0, tzinfo=SHANGHAI)


def _followup(observation, day: dt.date, *, abnormal=False, hour=9, corrects=None):
    observed = dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)
    return FollowUp.objects.create(
        observation=observation,
        path=observation.path,
        observed_at=observed,
        local_date=day,
        source="team",
        temperature=Decimal("38.0") if abnormal else Decimal("36.5"),
        abnormal=abnormal,
        corrects=corrects,
    )


def test_register_existing_person_sets_period_household_and_audit(observation, county):
    assert observation.starts_on == dt.date(2026, 3, 2)
    assert observation.observation_days == 14
    assert observation.household == county.people["zhang"].household
    assert observation.transport_number == "G1234"
    assert AuditEntry.objects.filter(
        object_type="monitoring.observation", object_id=str(observation.public_id), action="create"
    ).exists()
    assert Arrival.objects.filter(person=observation.person, origin="湖北省武汉市").exists()


def test_register_new_person_goes_through_person_register(county, policy, monitoring_users):
    from bastion.core.idnumber import make_id_number

    number = make_id_number("430121", dt.date(1990, 5, 6), 123)
    obs = observation_register(
        actor=county.gridworker,
        policy=policy,
        origin="武汉",
        person_data=PersonInput(name="刘返乡", id_number=number, grid=county.grid_a1_1),
        arrived_on=dt.date(2026, 3, 1),
    )
    assert obs.person.name == "刘返乡"
    assert obs.person.id_number_masked.startswith("4301")
    assert obs.team.count() == 5
    again = observation_register(
        actor=county.gridworker,
        policy=Policy.objects.get(category="family_member"),
        origin="武汉",
        person_data=PersonInput(name="刘返乡", id_number=number, grid=county.grid_a1_1),
        arrived_on=dt.date(2026, 3, 1),
    )
    assert again.person == obs.person  # de-duplicated by ID number
    assert Person.objects.filter(name="刘返乡").count() == 1


def test_register_new_person_with_bad_id_number_is_rejected(county, policy):
    with pytest.raises(ValidationError) as info:
        observation_register(
            actor=county.gridworker,
            policy=policy,
            origin="武汉",
            person_data=PersonInput(
                name="错号", id_number="430121199001011234", grid=county.grid_a1_1
            ),
            arrived_on=dt.date(2026, 3, 1),
        )
    assert "id_number" in info.value.message_dict


def test_duplicate_active_observation_is_a_clear_error(observation, county, policy):
    with pytest.raises(ValidationError) as info:
        observation_register(
            actor=county.gridworker,
            policy=policy,
            person=county.people["zhang"],
            origin="武汉",
            arrived_on=dt.date(2026, 3, 3),
        )
    assert "已在“返乡人员”观察中" in info.value.message_dict["policy"][0]


def test_close_contact_needs_last_contact_date(county):
    policy = Policy.objects.get(category="close_contact")
    with pytest.raises(ValidationError) as info:
        observation_register(
            actor=county.gridworker, policy=policy, person=county.people["li"], origin="本县"
        )
    assert "last_contact_on" in info.value.message_dict


def test_outsider_cannot_register_in_another_town(county, policy):
    with pytest.raises(PermissionDenied):
        observation_register(
            actor=county.outsider,
            policy=policy,
            person=county.people["zhang"],
            origin="武汉",
            arrived_on=dt.date(2026, 3, 1),
        )


def test_doctor_releases_after_period_with_normal_last_followup(observation, doctor):
    _followup(observation, OBSERVATION_LAST_DAY)
    released = observation_release(actor=doctor, observation=observation, now=AFTER)
    assert released.status == ObservationStatus.RELEASED
    assert released.doctor_confirmed_by == doctor
    assert Notification.objects.filter(recipient=doctor, title__contains="已解除观察").exists()


def test_only_the_village_doctor_may_release(observation, county, police):
    _followup(observation, OBSERVATION_LAST_DAY)
    for actor in (police, county.gridworker, county.command):
        with pytest.raises(ValidationError, match="乡村医生"):
            observation_release(actor=actor, observation=observation, now=AFTER)


def test_release_before_the_period_ends_is_refused(observation, doctor, in_period):
    with pytest.raises(ValidationError, match="观察期未满"):
        observation_release(actor=doctor, observation=observation, now=in_period)


def test_abnormal_last_followup_blocks_release(observation, doctor):
    _followup(observation, OBSERVATION_LAST_DAY, abnormal=True)
    with pytest.raises(ValidationError, match="异常"):
        observation_release(actor=doctor, observation=observation, now=AFTER)


def test_corrected_abnormal_followup_no_longer_blocks(observation, doctor):
    wrong = _followup(observation, OBSERVATION_LAST_DAY, abnormal=True)
    _followup(observation, OBSERVATION_LAST_DAY, corrects=wrong)
    observation_release(actor=doctor, observation=observation, now=AFTER)


def test_missing_last_day_followup_blocks_release(observation, doctor):
    _followup(observation, OBSERVATION_LAST_DAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="随访未完成"):
        observation_release(actor=doctor, observation=observation, now=AFTER)


def test_end_early_with_reason(observation, county):
    ended = observation_end(
        actor=county.gridworker, observation=observation, reason="hospital", note="转县人民医院"
    )
    assert ended.status == ObservationStatus.ENDED and ended.end_reason == "hospital"
    with pytest.raises(ValidationError):
        observation_extend(actor=county.gridworker, observation=ended, days=3, reason="x")


def test_end_other_needs_a_note(observation, county):
    with pytest.raises(ValidationError) as info:
        observation_end(actor=county.gridworker, observation=observation, reason="other", note="")
    assert "note" in info.value.message_dict


def test_extend_adds_days_and_keeps_the_reason(observation, county, doctor):
    extension = observation_extend(
        actor=county.gridworker, observation=observation, days=7, reason="同户人员确诊"
    )
    observation.refresh_from_db()
    assert observation.extra_days == 7 and observation.total_days == 21
    assert extension.reason == "同户人员确诊"
    assert Notification.objects.filter(recipient=doctor, title__contains="延长7天").exists()
    with pytest.raises(ValidationError) as info:
        observation_extend(actor=county.gridworker, observation=observation, days=0, reason="")
    assert set(info.value.message_dict) == {"days", "reason"}


def test_new_observation_after_release_is_allowed(observation, doctor, county, policy):
    _followup(observation, OBSERVATION_LAST_DAY)
    observation_release(actor=doctor, observation=observation, now=AFTER)
    again = observation_register(
        actor=county.gridworker,
        policy=policy,
        person=county.people["zhang"],
        origin="武汉",
        arrived_on=dt.date(2026, 4, 1),
    )
    assert Observation.objects.filter(person=again.person).count() == 2
