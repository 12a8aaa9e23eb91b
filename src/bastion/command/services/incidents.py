"""Incidents from report to closure (事件上报-分拨-处置-反馈).

reported --register--> registered --dispatch--> dispatched --handle--> handled
  --verify--> closed --archive--> archived; handled --send back--> dispatched;
reported --dismiss--> dismissed --archive--> archived; a dispatched incident may be
dispatched again (another handler) and its handler may ask for more time, which the
receiving level approves or refuses. Every step writes an IncidentLogEntry (who, when,
from which status to which) in the same transaction.

Who: anyone holding INCIDENT_REPORT over the place reports; the receiving level (INCIDENT_HANDLE
over `receiving_path`) registers, dismisses, re-grades, dispatches, decides extensions,
verifies and archives; the handling unit (INCIDENT_HANDLE for that unit) reports handling
and asks for extensions; the reporter may verify too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.command.models import (
    Incident,
    IncidentAction,
    IncidentGrade,
    IncidentStatus,
)
from bastion.command.services.common import (
    clean_files,
    clean_text,
    now_or,
)
from bastion.command.services.extensions import (  # noqa: F401 - re-exported for callers
    incident_extension_decide,
    incident_extension_request,
)
from bastion.command.services.incident_rules import (  # noqa: F401 - re-exported for callers
    ALLOWED_FROM,
    MAX_DEADLINE_DAYS,
    NOTE_MAX,
    _audit,
    _clean_deadline,
    _locked,
    _log,
    _require,
    _tell,
    can_handle,
    can_receive,
    can_verify,
    incident_link,
    refusal,
)
from bastion.command.services.reporting import incident_report  # noqa: F401 - re-exported
from bastion.command.units import (
    Unit,
    own_users,
    receiving_region,
    region_unit,
    stored_unit,
    unit_from_key,
)

# --- Steps --------------------------------------------------------------------------------


def _advance(
    incident: Incident,
    action: str,
    *,
    actor,
    now: dt.datetime,
    may: Callable[[object, Incident], bool],
    refused: str,
    change: Callable[[Incident], list[str]],
    note: str = "",
    photos: Iterable = (),
    then: Callable[[Incident], None] | None = None,
) -> Incident:
    """One step under a row lock: check the status, then the role; `change` sets the new
    status and times and names the fields; one log entry and one audit entry; `then`
    tells whoever must know, in the same transaction."""
    with transaction.atomic():
        locked = _locked(incident, action)
        _require(may(actor, locked), refused)
        before = locked.status
        fields = change(locked)
        locked.save(update_fields=[*fields, "updated_at"])
        _log(locked, action=action, actor=actor, now=now, before=before, note=note, photos=photos)
        _audit(actor, locked, {"status": [before, locked.status]}, note)
        if then is not None:
            then(locked)
    return locked


def _set(**values) -> Callable[[Incident], list[str]]:
    def change(incident: Incident) -> list[str]:
        for name, value in values.items():
            setattr(incident, name, value)
        return list(values)

    return change


def incident_register(*, actor, incident: Incident, note: str = "", now=None) -> Incident:
    """The receiving level accepts the report (受理)."""
    now = now_or(now)
    note = clean_text(note, field="note", label=_("受理意见"), max_length=NOTE_MAX, required=False)
    return _advance(
        incident,
        IncidentAction.REGISTER,
        actor=actor,
        now=now,
        may=can_receive,
        refused=_("只有受理层级可以受理事件"),
        change=_set(status=IncidentStatus.REGISTERED, registered_at=now),
        note=note,
    )


def incident_regrade(*, actor, incident: Incident, grade: str, note: str, now=None) -> Incident:
    """Change the grade of a report not yet accepted; it moves to the level of the new grade
    (e.g. a simple report that is really general goes up to the town)."""
    now = now_or(now)
    if grade not in IncidentGrade.values:
        raise ValidationError({"grade": [_("请选择事件等级（简易、一般、突出、重大）")]})
    note = clean_text(note, field="note", label=_("调整理由"), max_length=NOTE_MAX)
    with transaction.atomic():
        locked = _locked(incident, IncidentAction.REGISTER)
        _require(can_receive(actor, locked), _("只有受理层级可以调整事件等级"))
        if grade == locked.grade:
            raise ValidationError({"grade": [_("等级未改变")]})
        receiving = receiving_region(locked.region, grade)
        details = {
            "grade": [locked.grade, grade],
            "receiving": [locked.receiving_region.name, receiving.name],
        }
        locked.grade = grade
        locked.receiving_region = receiving
        locked.receiving_path = receiving.path
        locked.save(update_fields=["grade", "receiving_region", "receiving_path", "updated_at"])
        _log(
            locked,
            action=IncidentAction.REGISTER,
            actor=actor,
            now=now,
            before=locked.status,
            note=note,
            details={"regrade": details},
        )
        _audit(actor, locked, details, note)
        if details["receiving"][0] != details["receiving"][1]:
            title = _("新事件待受理：%(kind)s（%(grade)s）%(place)s") % {
                "kind": locked.kind.name_zh,
                "grade": locked.get_grade_display(),
                "place": locked.region.name,
            }
            _tell(
                own_users(region_unit(receiving), perm=Perm.INCIDENT_HANDLE),
                title,
                locked,
                "warning",
            )
    return locked


def incident_dismiss(*, actor, incident: Incident, reason: str, now=None) -> Incident:
    """The receiving level declines the report (duplicate, not an incident), saying why."""
    now = now_or(now)
    reason = clean_text(reason, field="reason", label=_("不予受理的理由"), max_length=NOTE_MAX)
    return _advance(
        incident,
        IncidentAction.DISMISS,
        actor=actor,
        now=now,
        may=can_receive,
        refused=_("只有受理层级可以作不予受理处理"),
        change=_set(status=IncidentStatus.DISMISSED, closed_at=now),
        note=reason,
        then=lambda done: _tell(
            [done.reported_by],
            _("事件不予受理：%(number)s") % {"number": done.number},
            done,
            body=reason,
        ),
    )


def handler_is_allowed(incident: Incident, unit: Unit) -> bool:
    """A handling unit lies under the receiving region: a region below or at it, or an
    organization or team sitting in its area."""
    return bool(unit.region_path) and unit.region_path.startswith(incident.receiving_path)


def incident_dispatch(
    *,
    actor,
    incident: Incident,
    handler: str | Unit,
    deadline: dt.datetime,
    note: str = "",
    now=None,
) -> Incident:
    """The receiving level assigns a handling unit and a deadline (again: reassigns)."""
    now = now_or(now)
    unit = handler if isinstance(handler, Unit) else unit_from_key(handler, field="handler")
    if unit.kind == "region" and unit.region is not None and unit.region.level == "grid":
        raise ValidationError({"handler": [_("请选择村社区、镇街或党组织、队伍作为处置单位")]})
    if not handler_is_allowed(incident, unit):
        raise ValidationError(
            {"handler": [_("%(unit)s 不在受理层级的范围内") % {"unit": unit.name}]}
        )
    deadline = _clean_deadline(deadline, now)
    note = clean_text(note, field="note", label=_("分拨意见"), max_length=NOTE_MAX, required=False)
    with transaction.atomic():
        locked = _locked(incident, IncidentAction.DISPATCH)
        _require(can_receive(actor, locked), _("只有受理层级可以分拨事件"))
        before = locked.status
        previous = locked.handler_name
        locked.status = IncidentStatus.DISPATCHED
        locked.handler_kind = unit.kind
        locked.handler_region = unit.region
        locked.handler_org = unit.organization
        locked.handler_team = unit.team
        locked.handler_key = unit.key
        locked.handler_name = unit.name[:150]
        locked.handler_region_path = unit.region_path
        locked.handler_org_path = unit.org_path
        locked.deadline = deadline
        locked.dispatched_at = now
        locked.reminded_at = None
        locked.escalated_at = None
        locked.save()
        details = {"handler": unit.name, "deadline": deadline.isoformat()}
        if previous and before == IncidentStatus.DISPATCHED:
            details["previous_handler"] = previous
        _log(
            locked,
            action=IncidentAction.DISPATCH,
            actor=actor,
            now=now,
            before=before,
            note=note,
            details=details,
        )
        _audit(
            actor,
            locked,
            {"status": [before, locked.status], "handler": [previous or None, unit.name]},
            note,
        )
        title = _("事件分拨给本单位处置：%(kind)s %(number)s，期限 %(deadline)s") % {
            "kind": locked.kind.name_zh,
            "number": locked.number,
            "deadline": timezone.localtime(deadline).strftime("%m-%d %H:%M"),
        }
        _tell(own_users(unit, perm=Perm.INCIDENT_HANDLE), title, locked, "warning")
    return locked


def incident_handle(
    *, actor, incident: Incident, note: str, photos: Iterable = (), now=None
) -> Incident:
    """The handling unit reports what it did (with photos); it waits for verification."""
    now = now_or(now)
    note = clean_text(note, field="note", label=_("处置情况"), max_length=NOTE_MAX)
    files = clean_files(photos, field="photos")

    def tell(done: Incident) -> None:
        receiving = own_users(region_unit(done.receiving_region), perm=Perm.INCIDENT_HANDLE)
        title = _("事件已处置，待核查：%(number)s") % {"number": done.number}
        _tell([done.reported_by, *receiving], title, done)

    return _advance(
        incident,
        IncidentAction.HANDLE,
        actor=actor,
        now=now,
        may=can_handle,
        refused=_("只有处置单位可以反馈处置结果"),
        change=_set(status=IncidentStatus.HANDLED, handled_at=now),
        note=note,
        photos=files,
        then=tell,
    )


def _handler_users(incident: Incident) -> list:
    return own_users(stored_unit(incident, "handler"), perm=Perm.INCIDENT_HANDLE)


def incident_verify(*, actor, incident: Incident, note: str = "", now=None) -> Incident:
    """The reporter or an inspector confirms the handling: the incident is closed."""
    now = now_or(now)
    note = clean_text(note, field="note", label=_("核查意见"), max_length=NOTE_MAX, required=False)
    return _advance(
        incident,
        IncidentAction.VERIFY,
        actor=actor,
        now=now,
        may=can_verify,
        refused=_("只有上报人或受理层级的核查人员可以核查"),
        change=_set(status=IncidentStatus.CLOSED, closed_at=now),
        note=note,
        then=lambda done: _tell(
            [done.reported_by, *_handler_users(done)],
            _("事件已结案：%(number)s") % {"number": done.number},
            done,
        ),
    )


def incident_send_back(*, actor, incident: Incident, reason: str, now=None) -> Incident:
    """The reporter or an inspector finds the handling wanting: back to the handler."""
    now = now_or(now)
    reason = clean_text(reason, field="reason", label=_("退回理由"), max_length=NOTE_MAX)

    def change(locked: Incident) -> list[str]:
        locked.status = IncidentStatus.DISPATCHED
        locked.returned_count += 1
        locked.escalated_at = None  # overdue again -> the receiving level is told again
        return ["status", "returned_count", "escalated_at"]

    return _advance(
        incident,
        IncidentAction.SEND_BACK,
        actor=actor,
        now=now,
        may=can_verify,
        refused=_("只有上报人或受理层级的核查人员可以退回"),
        change=change,
        note=reason,
        then=lambda done: _tell(
            _handler_users(done),
            _("事件核查未通过，请重新处置：%(number)s") % {"number": done.number},
            done,
            "warning",
            reason,
        ),
    )


def incident_archive(*, actor, incident: Incident, now=None) -> Incident:
    """The receiving level files away a closed or dismissed incident."""
    now = now_or(now)
    return _advance(
        incident,
        IncidentAction.ARCHIVE,
        actor=actor,
        now=now,
        may=can_receive,
        refused=_("只有受理层级可以归档"),
        change=_set(status=IncidentStatus.ARCHIVED, archived_at=now),
    )
