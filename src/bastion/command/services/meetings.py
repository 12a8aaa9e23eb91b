"""Meetings of a level and their decisions (a decision becomes directives through
`directive_issue(decision=...)`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.command.models import Meeting, MeetingDecision, MeetingKind
from bastion.command.services.common import Checks, actor_or_none, clean_text, is_system
from bastion.command.units import Unit, acts_for_unit, stored_unit
from bastion.core.audit import Action, audit_record

DECISION_MAX = 1000
MAX_DECISIONS = 30


def _require_host(actor, host: Unit) -> None:
    if not is_system(actor) and not acts_for_unit(actor, Perm.DIRECTIVE_ISSUE, host):
        raise PermissionDenied(_("您不能记录 %(unit)s 的会议") % {"unit": host.name})


def _clean_decision(item: dict, n: int) -> dict:
    field = f"decisions.{n}"
    text = clean_text(
        item.get("text"), field=field, label=_("第%(n)d条决定") % {"n": n}, max_length=DECISION_MAX
    )
    owner = clean_text(
        item.get("owner"), field=field, label=_("牵头单位"), max_length=120, required=False
    )
    due_on = item.get("due_on")
    if due_on is not None and not isinstance(due_on, dt.date):
        raise ValidationError({field: [_("完成日期格式不正确")]})
    return {"text": text, "owner": owner, "due_on": due_on}


def _meeting_fields(*, kind, title, held_at, place, chair, attendees, summary) -> dict:
    checks = Checks()
    values: dict = {
        name: checks.text(value, field=name, label=label, max_length=limit, required=required)
        for name, label, value, limit, required in (
            ("title", _("会议名称"), title, 120, True),
            ("place", _("地点"), place, 120, False),
            ("chair", _("主持人"), chair, 60, False),
            ("attendees", _("参会人员"), attendees, 3000, False),
            ("summary", _("会议纪要"), summary, 5000, False),
        )
    }
    if kind not in MeetingKind.values:
        checks.fail("kind", _("请选择会议类型"))
    if not isinstance(held_at, dt.datetime):
        checks.fail("held_at", _("请填写会议时间"))
    elif held_at > timezone.now() + dt.timedelta(days=30):
        checks.fail("held_at", _("会议时间不能晚于30天后"))
    checks.done()
    values["kind"] = kind
    values["held_at"] = held_at
    values["attendee_count"] = len(
        [line for line in values["attendees"].splitlines() if line.strip()]
    )
    return values


def meeting_record(
    *,
    actor,
    host: Unit,
    kind: str,
    title: str,
    held_at: dt.datetime,
    place: str = "",
    chair: str = "",
    attendees: str = "",
    summary: str = "",
    decisions: Iterable[dict] = (),
) -> Meeting:
    """Record a meeting held by `host` with its decisions (text, owner, due_on)."""
    _require_host(actor, host)
    values = _meeting_fields(
        kind=kind,
        title=title,
        held_at=held_at,
        place=place,
        chair=chair,
        attendees=attendees,
        summary=summary,
    )
    items = [d for d in decisions if str(d.get("text") or "").strip()]
    if len(items) > MAX_DECISIONS:
        raise ValidationError(
            {"decisions": [_("一次最多记录 %(n)d 条决定") % {"n": MAX_DECISIONS}]}
        )
    cleaned = [_clean_decision(item, n) for n, item in enumerate(items, start=1)]
    meeting = Meeting(**host.issuer_columns(), **values, recorded_by=actor_or_none(actor))
    meeting.full_clean()
    with transaction.atomic():
        meeting.save()
        MeetingDecision.objects.bulk_create(
            [MeetingDecision(meeting=meeting, number=n, **d) for n, d in enumerate(cleaned, 1)]
        )
        audit_record(
            actor=actor_or_none(actor),
            action=Action.CREATE,
            obj=meeting,
            path=meeting.region_path,
            changes={"title": [None, meeting.title], "decisions": [None, len(cleaned)]},
        )
    return meeting


def meeting_update(
    *,
    actor,
    meeting: Meeting,
    kind: str,
    title: str,
    held_at: dt.datetime,
    place: str = "",
    chair: str = "",
    attendees: str = "",
    summary: str = "",
) -> Meeting:
    """Correct a meeting's record (the host level only); every change is audited."""
    _require_host(actor, stored_unit(meeting, "issuer"))
    values = _meeting_fields(
        kind=kind,
        title=title,
        held_at=held_at,
        place=place,
        chair=chair,
        attendees=attendees,
        summary=summary,
    )
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        changes = {}
        for name, value in values.items():
            old = getattr(locked, name)
            if old != value:
                changes[name] = [str(old), str(value)]
                setattr(locked, name, value)
        if changes:
            locked.full_clean()
            locked.save()
            audit_record(
                actor=actor_or_none(actor),
                action=Action.UPDATE,
                obj=locked,
                path=locked.region_path,
                changes=changes,
            )
    return locked


def meeting_decision_add(
    *, actor, meeting: Meeting, text: str, owner: str = "", due_on: dt.date | None = None
) -> MeetingDecision:
    """Add a decision to a recorded meeting (numbered after the last one)."""
    _require_host(actor, stored_unit(meeting, "issuer"))
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        last = locked.decisions.aggregate(n=Max("number"))["n"] or 0
        if last >= MAX_DECISIONS:
            raise ValidationError({"text": [_("每次会议最多 %(n)d 条决定") % {"n": MAX_DECISIONS}]})
        values = _clean_decision({"text": text, "owner": owner, "due_on": due_on}, last + 1)
        decision = MeetingDecision(meeting=locked, number=last + 1, **values)
        decision.full_clean()
        decision.save()
        audit_record(
            actor=actor_or_none(actor),
            action=Action.UPDATE,
            obj=locked,
            path=locked.region_path,
            changes={"decision": [None, decision.number]},
        )
    return decision
