"""Check-in and check-out, confirmed hours, points arithmetic, no-shows, corrections and the
service record the member's employer receives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from bastion.access.models import Notification
from bastion.party.models import ServiceRecordEntry
from bastion.volunteers.models import Attendance, AttendanceOutcome, CheckEvent
from bastion.volunteers.rules import Rules, hours_between, points_for, proposed_span
from bastion.volunteers.selectors.claims import pending_no_shows, task_roster
from bastion.volunteers.services.attendance import (
    attendance_confirm,
    attendance_correct,
    attendance_no_show,
    check_record,
    checkin_by_code,
)
from bastion.volunteers.services.claims import claim_create
from bastion.volunteers.services.config import rules_save
from bastion.volunteers.services.tasks import checkin_code_rotate
from tests.volunteers.conftest import shift_task

# --- Points arithmetic ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "points"),
    [
        ("0", 0),
        ("0.25", 0),
        ("0.49", 0),
        ("0.5", 1),
        ("1.48", 2),  # 88 minutes: two whole half hours
        ("2", 4),
        ("4", 8),
        ("23.99", 47),
    ],
)
def test_default_rule_is_one_point_per_whole_half_hour(hours, points):
    assert points_for(Decimal(hours), Rules()) == points


def test_configured_rule_counts_whole_units():
    rules = Rules(minutes_per_point=60, points_per_unit=5)
    assert points_for(Decimal("2.5"), rules) == 10
    assert points_for(Decimal("0.99"), rules) == 0
    assert rules.label == "60min=5"


@given(
    minutes=st.integers(min_value=0, max_value=24 * 60),
    per=st.integers(min_value=5, max_value=480),
    unit=st.integers(min_value=1, max_value=100),
)
def test_points_never_exceed_the_time_served(minutes, per, unit):
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    points = points_for(hours, Rules(minutes_per_point=per, points_per_unit=unit))
    served = int(hours * 60)
    assert points == (served // per) * unit
    assert points * per <= served * unit


def test_proposed_span_is_clipped_to_the_task():
    start = timezone.now().replace(microsecond=0)
    end = start + dt.timedelta(hours=4)
    early, late = start - dt.timedelta(minutes=40), end + dt.timedelta(hours=1)
    assert proposed_span(task_start=start, task_end=end, checked_in=early, checked_out=late) == (
        start,
        end,
    )
    mid = start + dt.timedelta(hours=1)
    assert proposed_span(task_start=start, task_end=end, checked_in=mid, checked_out=None) == (
        mid,
        end,
    )
    assert hours_between(start, start + dt.timedelta(minutes=95)) == Decimal("1.58")


# --- Scans -----------------------------------------------------------------------------------


@pytest.fixture
def running(vol, county):
    """A task that started 30 minutes ago, held by the volunteer persona (张建国)."""
    task = vol.make_task()
    claim = claim_create(actor=county.volunteer, task=task).claim
    now = timezone.now()
    shift_task(task, starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=3))
    claim.task = task
    return task, claim


def test_qr_scan_checks_in_once(running, county):
    task, claim = running
    first = checkin_by_code(actor=county.volunteer, secret=task.checkin_secret, kind="in")
    again = checkin_by_code(actor=county.volunteer, secret=task.checkin_secret, kind="in")
    assert first.created and not again.created
    assert CheckEvent.objects.filter(claim=claim).count() == 1


def test_scan_by_someone_without_a_claim_is_refused(running, vol):
    task, _claim = running
    with pytest.raises(ValidationError) as excinfo:
        checkin_by_code(actor=vol.resident_user, secret=task.checkin_secret, kind="in")
    assert excinfo.value.code == "no_claim"


def test_rotated_code_stops_working(running, county):
    task, _claim = running
    old = task.checkin_secret
    checkin_code_rotate(actor=county.community, task=task)
    with pytest.raises(Http404):
        checkin_by_code(actor=county.volunteer, secret=old, kind="in")


def test_checkin_opens_an_hour_before_the_start(vol, county):
    task = vol.make_task()
    claim = claim_create(actor=county.volunteer, task=task).claim
    with pytest.raises(ValidationError) as excinfo:
        check_record(actor=county.volunteer, claim=claim, kind="in", method="qr")
    assert excinfo.value.code == "too_early"


def test_check_out_needs_a_check_in(running, county):
    _task, claim = running
    with pytest.raises(ValidationError) as excinfo:
        check_record(actor=county.volunteer, claim=claim, kind="out", method="qr")
    assert excinfo.value.code == "not_checked_in"


def test_volunteer_cannot_check_in_for_someone_else(running, vol):
    _task, claim = running
    with pytest.raises(Http404):
        check_record(actor=vol.resident_user, claim=claim, kind="in", method="qr")


def test_task_leader_checks_people_in(vol, county):
    task = vol.make_task(leader=vol.resident_user)
    claim = claim_create(actor=county.volunteer, task=task).claim
    now = timezone.now()
    shift_task(task, starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=3))
    claim.task = task
    result = check_record(actor=vol.resident_user, claim=claim, kind="in", method="leader")
    assert result.created and result.event.recorded_by == vol.resident_user


# --- Confirmation, no-shows, corrections, service record ----------------------------------------


def _ended(task, claim, *, hours_ago=1, length=4):
    now = timezone.now()
    shift_task(
        task,
        starts_at=now - dt.timedelta(hours=hours_ago + length),
        ends_at=now - dt.timedelta(hours=hours_ago),
    )
    claim.task = task
    return task


def test_confirm_from_scans_gives_hours_points_and_a_service_record(vol, county):
    task = vol.make_task()
    claim = claim_create(actor=county.volunteer, task=task).claim
    _ended(task, claim)
    CheckEvent.objects.create(claim=claim, kind="in", method="qr",
                              at=task.starts_at + dt.timedelta(minutes=10))  # fmt: skip
    CheckEvent.objects.create(claim=claim, kind="out", method="qr",
                              at=task.ends_at - dt.timedelta(minutes=20))  # fmt: skip
    entry = attendance_confirm(actor=county.community, claim=claim)
    assert entry.hours == Decimal("3.50") and entry.points == 7
    assert entry.outcome == AttendanceOutcome.ATTENDED and entry.rule == "30min=1"
    record = ServiceRecordEntry.objects.get(source="volunteers", source_ref=str(entry.public_id))
    assert record.member == vol.member and record.hours == Decimal("3.50")
    assert record.community == county.community_a1
    assert record.served_on == timezone.localtime(task.starts_at).date()


def test_points_follow_the_rule_in_force(vol, county):
    rules_save(
        actor=county.community,
        region=county.community_a1,
        allow_residents=True,
        cancel_deadline_hours=2,
        minutes_per_point=60,
        points_per_unit=2,
        public_requests=True,
    )
    task = vol.make_task()
    claim = claim_create(actor=county.volunteer, task=task).claim
    _ended(task, claim)
    entry = attendance_confirm(actor=county.community, claim=claim, hours="2.75")
    assert entry.points == 4 and entry.rule == "60min=2"


def test_resident_hours_have_no_party_service_record(vol, county):
    task = vol.make_task()
    claim = claim_create(actor=vol.resident_user, task=task).claim
    _ended(task, claim)
    attendance_confirm(actor=county.community, claim=claim, hours="2")
    assert not ServiceRecordEntry.objects.exists()


def test_confirm_twice_is_refused(vol, county):
    task = vol.make_task()
    claim = claim_create(actor=county.volunteer, task=task).claim
    _ended(task, claim)
    attendance_confirm(actor=county.community, claim=claim, hours="1")
    with pytest.raises(ValidationError) as excinfo:
        attendance_confirm(actor=county.community, claim=claim, hours="2")
    assert excinfo.value.code == "confirmed"


@pytest.mark.parametrize("hours", ["-1", "25", "abc", "1e400"])
def test_confirm_rejects_impossible_hours(vol, county, hours):
    task = vol.make_task()
    claim = claim_create(actor=county.volunteer, task=task).claim
    _ended(task, claim)
    with pytest.raises(ValidationError):
        attendance_confirm(actor=county.community, claim=claim, hours=hours)
    assert not Attendance.objects.exists()


def test_no_show_is_derived_after_the_end_and_confirmable(vol, county):
    task = vol.make_task()
    claim = claim_create(actor=county.volunteer, task=task).claim
    assert not pending_no_shows(user=county.community).exists()
    _ended(task, claim)
    assert list(pending_no_shows(user=county.community)) == [claim]
    assert task_roster(task).holding[0].state == "未到岗（待确认）"
    assert not pending_no_shows(user=county.outsider).exists()
    entry = attendance_no_show(actor=county.community, claim=claim, note="电话未接")
    assert entry.outcome == AttendanceOutcome.NO_SHOW and entry.hours == 0 and entry.points == 0
    assert not pending_no_shows(user=county.community).exists()
    assert not ServiceRecordEntry.objects.exists()


def test_no_show_refused_before_the_end_or_after_a_check_in(running, county):
    _task, claim = running
    with pytest.raises(ValidationError):
        attendance_no_show(actor=county.community, claim=claim)
    check_record(actor=county.volunteer, claim=claim, kind="in", method="qr")
    now = timezone.now()
    shift_task(
        claim.task, starts_at=now - dt.timedelta(hours=5), ends_at=now - dt.timedelta(hours=1)
    )
    with pytest.raises(ValidationError):
        attendance_no_show(actor=county.community, claim=claim)


def test_a_correction_is_a_new_entry_and_corrects_the_service_record(vol, county):
    task = vol.make_task()
    claim = claim_create(actor=county.volunteer, task=task).claim
    _ended(task, claim)
    first = attendance_confirm(actor=county.community, claim=claim, hours="2")
    with pytest.raises(ValidationError):
        attendance_correct(actor=county.community, attendance=first, outcome="attended",
                           hours="3", note="")  # fmt: skip
    second = attendance_correct(
        actor=county.community, attendance=first, outcome="attended", hours="3", note="漏记一小时"
    )
    assert second.corrects == first and second.points == 6
    assert Attendance.objects.count() == 2  # the first stays on file
    entries = ServiceRecordEntry.objects.order_by("id")
    assert [e.hours for e in entries] == [Decimal("2.00"), Decimal("3.00")]
    assert entries[1].corrects == entries[0]
    with pytest.raises(ValidationError):  # the replaced entry cannot be corrected again
        attendance_correct(actor=county.community, attendance=first, outcome="no_show",
                           hours="0", note="再改")  # fmt: skip


def test_outsider_cannot_confirm(vol, county):
    task = vol.make_task()
    claim = claim_create(actor=county.volunteer, task=task).claim
    _ended(task, claim)
    with pytest.raises(Http404):
        attendance_confirm(actor=county.outsider, claim=claim)


def test_promoted_volunteer_is_notified_and_can_check_in(vol, county):
    from bastion.volunteers.services.claims import claim_cancel

    task = vol.make_task(slots=1)
    holder = claim_create(actor=vol.resident_user, task=task).claim
    waiting = claim_create(actor=county.volunteer, task=task, waitlist=True).claim
    claim_cancel(actor=vol.resident_user, claim=holder)
    assert Notification.objects.filter(recipient=county.volunteer, level="success").exists()
    now = timezone.now()
    shift_task(task, starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1))
    waiting.refresh_from_db()
    assert checkin_by_code(actor=county.volunteer, secret=task.checkin_secret, kind="in").created
