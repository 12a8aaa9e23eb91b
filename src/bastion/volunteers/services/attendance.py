"""Check-in and check-out (QR scan on site or by the task leader), confirmed hours,
no-shows, corrections, points; confirmed hours of party members go to their service
record in the party app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_name
from bastion.volunteers.errors import refuse
from bastion.volunteers.models import (
    Attendance,
    AttendanceOutcome,
    CheckEvent,
    CheckKind,
    CheckMethod,
    Claim,
    ClaimStatus,
    Task,
    TaskStatus,
)
from bastion.volunteers.rules import (
    CHECKIN_OPENS_BEFORE,
    CHECKOUT_CLOSES_AFTER,
    MAX_HOURS,
    hours_between,
    points_for,
    proposed_span,
)
from bastion.volunteers.selectors.places import community_of, rules_for
from bastion.volunteers.services.common import require_lead

SERVICE_RECORD_SOURCE = "volunteers"


@dataclass
class CheckResult:
    event: CheckEvent
    created: bool  # False: already recorded (a second scan changes nothing)


def _claim_repr(claim: Claim) -> str:
    return f"{mask_name(claim.person.name)} · {claim.task.title}"[:200]


def check_record(
    *, actor, claim: Claim, kind: str, method: str, at: dt.datetime | None = None
) -> CheckResult:
    """Record a check-in or check-out of a claim holding a slot. By QR the volunteer
    records their own, inside the window (from an hour before the start; check-out until
    six hours after the end); the leader may record anyone's until then."""
    task = claim.task
    if method == CheckMethod.QR:
        if claim.user_id is None or claim.user_id != getattr(actor, "pk", None):
            raise Http404
    else:
        require_lead(actor, task)
    if kind not in CheckKind.values:
        raise ValidationError({"kind": [_("请选择签到或签退")]})
    if claim.status != ClaimStatus.CLAIMED or task.status != TaskStatus.PUBLISHED:
        raise refuse("claim", _("没有有效的认领，不能签到"), "no_claim")
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=1):
        raise ValidationError({"at": [_("时间：不能晚于现在")]})
    existing = CheckEvent.objects.filter(claim=claim, kind=kind).first()
    if existing is not None:
        return CheckResult(existing, False)
    if kind == CheckKind.IN:
        if at < task.starts_at - CHECKIN_OPENS_BEFORE:
            raise refuse("at", _("签到将在任务开始前1小时开放"), "too_early")
        if at >= task.ends_at:
            raise refuse("at", _("任务已结束，不能再签到"), "too_late")
    else:
        checked_in = CheckEvent.objects.filter(claim=claim, kind=CheckKind.IN).first()
        if checked_in is None:
            raise refuse("kind", _("请先签到，再签退"), "not_checked_in")
        if at < checked_in.at:
            raise ValidationError({"at": [_("签退时间不能早于签到时间")]})
        if at > task.ends_at + CHECKOUT_CLOSES_AFTER:
            raise refuse("at", _("签退已关闭，请联系任务负责人确认时长"), "too_late")
    event = CheckEvent(
        claim=claim,
        kind=kind,
        at=at,
        method=method,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            event.save()
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=claim,
                object_repr=_claim_repr(claim),
                changes={f"check_{kind}": [None, at.isoformat()], "method": [None, method]},
            )
    except IntegrityError:  # the same scan twice at once: the first one counts
        return CheckResult(CheckEvent.objects.get(claim=claim, kind=kind), False)
    return CheckResult(event, True)


def checkin_by_code(*, actor, secret: str, kind: str) -> CheckResult:
    """The volunteer scanned the task's code: record their own check-in or check-out."""
    from bastion.volunteers.selectors.claims import claim_for_user, task_for_code

    task = task_for_code(secret)
    if task is None:
        raise Http404
    claim = claim_for_user(task=task, user=actor)
    if claim is None or claim.status != ClaimStatus.CLAIMED:
        raise refuse(
            "claim", _("您没有认领此任务（或仍在候补），不能签到。请联系任务负责人。"), "no_claim"
        )
    return check_record(actor=actor, claim=claim, kind=kind, method=CheckMethod.QR)


def _clean_hours(value, *, field: str = "hours") -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError({field: [_("时长：请填写数字（小时）")]}) from exc
    if not Decimal(0) <= hours <= MAX_HOURS:
        raise ValidationError({field: [_("时长：应在0到24小时之间")]})
    return hours


def proposed_hours(claim: Claim, checks: dict[str, dt.datetime] | None = None):
    """(start, end, hours) to propose when confirming a claim's attendance."""
    if checks is None:
        checks = dict(CheckEvent.objects.filter(claim=claim).values_list("kind", "at"))
    start, end = proposed_span(
        task_start=claim.task.starts_at,
        task_end=claim.task.ends_at,
        checked_in=checks.get(CheckKind.IN),
        checked_out=checks.get(CheckKind.OUT),
    )
    return start, end, hours_between(start, end)


def _post_service_record(*, actor, entry: Attendance, replaced: Attendance | None) -> None:
    """Hours of a party member go to their service record (idempotent per attendance)."""
    claim = entry.claim
    if claim.member_id is None:
        return
    from bastion.party.models import ServiceRecordEntry
    from bastion.party.services import service_record_add

    corrects = None
    if replaced is not None:
        corrects = ServiceRecordEntry.objects.filter(
            source=SERVICE_RECORD_SOURCE, source_ref=str(replaced.public_id)
        ).first()
    if entry.hours <= 0 and corrects is None:
        return
    service_record_add(
        actor=actor,
        member=claim.member,
        served_on=entry.served_on,
        hours=entry.hours,
        description=_("志愿服务：%(t)s") % {"t": entry.task.title},
        community=entry.community,
        source=SERVICE_RECORD_SOURCE,
        source_ref=str(entry.public_id),
        corrects=corrects,
    )


def _write_attendance(
    *,
    actor,
    claim: Claim,
    outcome: str,
    hours: Decimal,
    start: dt.datetime | None,
    end: dt.datetime | None,
    note: str,
    replaces: Attendance | None,
) -> Attendance:
    task = claim.task
    rules = rules_for(task.path)
    entry = Attendance(
        claim=claim,
        task=task,
        person=claim.person,
        community=task.community or community_of(task.path),
        path=task.path,
        outcome=outcome,
        served_on=timezone.localtime(task.starts_at).date(),
        started_at=start,
        ended_at=end,
        hours=hours,
        points=points_for(hours, rules) if outcome == AttendanceOutcome.ATTENDED else 0,
        rule=rules.label,
        note=(note or "").strip()[:300],
        corrects=replaces,
        confirmed_by=actor if getattr(actor, "is_authenticated", False) else None,
        confirmed_at=timezone.now(),
    )
    entry.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=entry,
                object_repr=_claim_repr(claim),
                path=task.path,
                changes={
                    "outcome": [replaces.outcome if replaces else None, outcome],
                    "hours": [str(replaces.hours) if replaces else None, str(hours)],
                    "points": [replaces.points if replaces else None, entry.points],
                },
                reason=entry.note,
            )
            _post_service_record(actor=actor, entry=entry, replaced=replaces)
    except IntegrityError as exc:
        raise refuse("claim", _("该志愿者的出勤已确认，如需修改请使用“更正”"), "confirmed") from exc
    return entry


def current_attendance(claim: Claim) -> Attendance | None:
    """The claim's confirmed attendance in force (the last of its chain of corrections)."""
    return (
        Attendance.objects.filter(claim=claim, correction__isnull=True)
        .order_by("-confirmed_at", "-id")
        .first()
    )


def attendance_confirm(*, actor, claim: Claim, hours=None, note: str = "") -> Attendance:
    """The leader or publisher confirms the hours a volunteer served (proposed from the
    check-in and check-out clipped to the task's time when not given)."""
    task = claim.task
    require_lead(actor, task)
    if claim.status != ClaimStatus.CLAIMED:
        raise ValidationError({"claim": [_("该认领已取消或仍在候补，不能确认时长")]})
    if timezone.now() < task.starts_at:
        raise ValidationError({"claim": [_("任务尚未开始，不能确认时长")]})
    if Attendance.objects.filter(claim=claim).exists():
        raise refuse("claim", _("该志愿者的出勤已确认，如需修改请使用“更正”"), "confirmed")
    start, end, proposed = proposed_hours(claim)
    value = proposed if hours in (None, "") else _clean_hours(hours)
    return _write_attendance(
        actor=actor,
        claim=claim,
        outcome=AttendanceOutcome.ATTENDED,
        hours=value,
        start=start,
        end=end,
        note=note,
        replaces=None,
    )


def attendance_no_show(*, actor, claim: Claim, note: str = "") -> Attendance:
    """Confirm that a volunteer holding a slot did not come (after the task ended)."""
    task = claim.task
    require_lead(actor, task)
    if claim.status != ClaimStatus.CLAIMED:
        raise ValidationError({"claim": [_("该认领已取消或仍在候补")]})
    if timezone.now() < task.ends_at:
        raise ValidationError({"claim": [_("任务结束后才能确认未到岗")]})
    if CheckEvent.objects.filter(claim=claim, kind=CheckKind.IN).exists():
        raise ValidationError({"claim": [_("该志愿者已签到，不能记为未到岗；请确认时长")]})
    if Attendance.objects.filter(claim=claim).exists():
        raise refuse("claim", _("该志愿者的出勤已确认，如需修改请使用“更正”"), "confirmed")
    return _write_attendance(
        actor=actor,
        claim=claim,
        outcome=AttendanceOutcome.NO_SHOW,
        hours=Decimal(0),
        start=None,
        end=None,
        note=note,
        replaces=None,
    )


def attendance_correct(
    *, actor, attendance: Attendance, outcome: str, hours, note: str
) -> Attendance:
    """Correct confirmed attendance: a new entry replaces the one in force (which stays
    on file); the member's service record gets a correcting entry too."""
    claim = attendance.claim
    require_lead(actor, claim.task)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("更正原因：请说明更正的原因")]})
    if outcome not in AttendanceOutcome.values:
        raise ValidationError({"outcome": [_("请选择已到岗或未到岗")]})
    with transaction.atomic():
        Task.objects.select_for_update().filter(pk=claim.task_id).values_list("pk").first()
        current = current_attendance(claim)
        if current is None or current.pk != attendance.pk:
            raise ValidationError({"attendance": [_("该记录已被更正，请刷新后重试")]})
        value = _clean_hours(hours) if outcome == AttendanceOutcome.ATTENDED else Decimal(0)
        return _write_attendance(
            actor=actor,
            claim=claim,
            outcome=outcome,
            hours=value,
            start=attendance.started_at,
            end=attendance.ended_at,
            note=note,
            replaces=attendance,
        )
