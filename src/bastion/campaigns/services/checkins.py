"""Venue check-ins (场所码) and the contact-tracing look-ups that read them.

Check-ins are written by the visitor on a public page (no account, rate limited by the
view). Reading who was at a venue needs Perm.CONTACT_TRACE over the venue, a case
reference and a stated purpose; each look-up is a TraceRequest and an audit entry, and
returns masked names and numbers. Revealing one needs Perm.PII_REVEAL, the trace it
belongs to and a reason, and is audited like `access.services.pii_reveal`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.campaigns.models import CheckIn, TraceRequest, Venue
from bastion.campaigns.selectors.venues import trace_checkins
from bastion.campaigns.services.common import clean_reason
from bastion.core import crypto
from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_name
from bastion.core.phone import PhoneError, parse_mobile
from bastion.people.identity import phone_fields
from bastion.people.models import Person

TRACE_ACTION = "trace"
NAME_MAX = 30
CASE_REF_MIN = 3
PURPOSE_MIN = 4
MAX_WINDOW = dt.timedelta(days=14)
CLOCK_SKEW = dt.timedelta(minutes=5)
# A second scan of the same phone at the same venue within this time is the same visit.
REPEAT_WINDOW = dt.timedelta(minutes=10)
REVEAL_FIELDS = ("name", "phone")


def retention_days() -> int:
    return int(getattr(settings, "BASTION_CHECKIN_RETENTION_DAYS", 28))


def checkin_venue(code: str) -> Venue | None:
    """The open venue a printed check-in code belongs to (None for a wrong or old code)."""
    if not code or len(code) > 32:
        return None
    return (
        Venue.objects.filter(checkin_code=code, closed_at__isnull=True)
        .select_related("kind", "region")
        .first()
    )


def checkin_record(
    *, venue: Venue, name: str, phone: str, now: dt.datetime | None = None
) -> tuple[CheckIn, bool]:
    """Record that someone arrived at the venue; (check-in, created). A repeat scan by the
    same phone within REPEAT_WINDOW returns the first one. The visitor is linked to the
    registry's person when exactly one person has that phone and that name."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = [_("请填写姓名")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("姓名不能超过 %(n)d 个字") % {"n": NAME_MAX}]
    number = ""
    try:
        number = parse_mobile(phone or "")
    except PhoneError as exc:
        errors["phone"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    fields = phone_fields(number)
    with transaction.atomic():
        Venue.objects.select_for_update().filter(pk=venue.pk).values_list("pk").get()
        recent = CheckIn.objects.filter(
            venue=venue, phone_index=fields["phone_index"], at__gte=now - REPEAT_WINDOW
        ).first()
        if recent is not None:
            return recent, False
        matches = list(
            Person.objects.filter(phone_index=fields["phone_index"]).only("pk", "name")[:2]
        )
        person = matches[0] if len(matches) == 1 and matches[0].name == name else None
        checkin = CheckIn.objects.create(
            venue=venue,
            path=venue.path,
            at=now,
            name_encrypted=crypto.encrypt(name),
            name_masked=mask_name(name),
            person=person,
            **fields,
        )
    return checkin, True


def trace_request(
    *,
    actor,
    venue: Venue,
    window_start: dt.datetime,
    window_end: dt.datetime,
    case_ref: str,
    purpose: str,
    ip_address: str | None = None,
    now: dt.datetime | None = None,
) -> TraceRequest:
    """Look up who checked in at the venue between the two moments, for a case.

    PermissionDenied without Perm.CONTACT_TRACE over the venue; ValidationError without
    a case reference or a purpose, or for a window that is reversed, in the future or
    longer than MAX_WINDOW. The request and its audit entry are written even when no one
    checked in (the look-up itself is what is audited)."""
    now = now or timezone.now()
    if not can_on_path(actor, Perm.CONTACT_TRACE, venue.path):
        raise PermissionDenied(_("没有查询场所到访人员的权限"))
    errors: dict[str, list[str]] = {}
    case_ref = " ".join((case_ref or "").split())
    purpose = " ".join((purpose or "").split())
    if len(case_ref) < CASE_REF_MIN:
        errors["case_ref"] = [
            _("必须填写病例或事件编号（至少 %(n)d 个字符）") % {"n": CASE_REF_MIN}
        ]
    elif len(case_ref) > 60:
        errors["case_ref"] = [_("编号不能超过 60 个字符")]
    if len(purpose) < PURPOSE_MIN:
        errors["purpose"] = [_("必须说明查询目的（至少 %(n)d 个字）") % {"n": PURPOSE_MIN}]
    elif len(purpose) > 300:
        errors["purpose"] = [_("查询目的不能超过 300 字")]
    if window_start is None or window_end is None:
        errors["window_start"] = [_("请填写查询的起止时间")]
    elif timezone.is_naive(window_start) or timezone.is_naive(window_end):
        errors["window_start"] = [_("时间缺少时区")]
    elif window_end <= window_start:
        errors["window_end"] = [_("结束时间必须晚于开始时间")]
    elif window_start > now + CLOCK_SKEW:
        errors["window_start"] = [_("开始时间不能晚于现在")]
    elif window_end - window_start > MAX_WINDOW:
        errors["window_end"] = [_("一次最多查询 %(n)d 天") % {"n": MAX_WINDOW.days}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        trace = TraceRequest(
            venue=venue,
            path=venue.path,
            requested_by=actor,
            requested_at=now,
            window_start=window_start,
            window_end=min(window_end, now),
            case_ref=case_ref,
            purpose=purpose,
        )
        trace.result_count = trace_checkins(trace).count()
        trace.save()
        audit_record(
            actor=actor,
            action=TRACE_ACTION,
            obj=trace,
            object_repr=f"{venue.name} · {case_ref}"[:200],
            changes={
                "venue": [None, str(venue.public_id)],
                "window": [
                    None,
                    f"{trace.window_start.isoformat()}..{trace.window_end.isoformat()}",
                ],
                "case_ref": [None, case_ref],
                "results": [None, trace.result_count],
            },
            reason=purpose,
            ip_address=ip_address,
        )
    return trace


def checkin_reveal(
    *,
    actor,
    trace: TraceRequest,
    checkin: CheckIn,
    field: str,
    reason: str,
    ip_address: str | None = None,
) -> str:
    """The clear name or phone of one check-in of the actor's own trace request; audited
    with the field, the trace, its case and the reason (never the value)."""
    if trace.requested_by_id != getattr(actor, "pk", None):
        raise Http404
    if not trace_checkins(trace).filter(pk=checkin.pk).exists():
        raise Http404
    if not (
        can_on_path(actor, Perm.CONTACT_TRACE, trace.path)
        and can_on_path(actor, Perm.PII_REVEAL, trace.path)
    ):
        raise PermissionDenied(_("没有查看完整信息的权限"))
    if field not in REVEAL_FIELDS:
        raise ValidationError({"field": [_("只能查看姓名或手机号")]})
    reason = clean_reason(reason, message=_("请填写查看原因（至少 %(n)d 个字）"))
    value = crypto.decrypt(checkin.name_encrypted if field == "name" else checkin.phone_encrypted)
    audit_record(
        actor=actor,
        action=Action.REVEAL,
        obj=checkin,
        changes={"field": field, "trace": str(trace.public_id), "case_ref": trace.case_ref},
        reason=reason,
        ip_address=ip_address,
    )
    return value


def venue_contact_reveal(*, actor, venue: Venue, reason: str, ip_address: str | None = None) -> str:
    """The venue contact's clear phone number, with a reason, audited."""
    if not can_on_path(actor, Perm.PII_REVEAL, venue.path):
        raise PermissionDenied(_("没有查看完整信息的权限"))
    reason = clean_reason(reason, message=_("请填写查看原因（至少 %(n)d 个字）"))
    value = crypto.decrypt(venue.contact_phone_encrypted)
    audit_record(
        actor=actor,
        action=Action.REVEAL,
        obj=venue,
        changes={"field": "contact_phone"},
        reason=reason,
        ip_address=ip_address,
    )
    return value


def checkins_purge(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete check-ins older than the retention period; returns how many (audited)."""
    now = now or timezone.now()
    days = retention_days() if days is None else days
    with transaction.atomic():
        deleted, _rows = CheckIn.objects.filter(at__lt=now - dt.timedelta(days=days)).delete()
        if deleted:
            audit_record(
                actor=None,
                action=Action.DELETE,
                object_type="campaigns.checkin",
                object_repr=f"{deleted} check-ins older than {days} days",
                changes={"deleted": [None, deleted]},
                reason="retention",
            )
    return deleted
