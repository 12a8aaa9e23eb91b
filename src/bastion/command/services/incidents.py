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
import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, restrict_households, restrict_people
from bastion.access.services import notify
from bastion.command.models import (
    ExtensionStatus,
    Incident,
    IncidentAction,
    IncidentExtension,
    IncidentGrade,
    IncidentKind,
    IncidentLogEntry,
    IncidentStatus,
)
from bastion.command.services.common import (
    actor_name,
    actor_or_none,
    clean_files,
    clean_text,
    is_system,
    local_date,
    now_or,
)
from bastion.command.units import (
    Unit,
    acts_for_unit,
    own_users,
    receiving_region,
    region_unit,
    stored_unit,
    unit_from_key,
)
from bastion.core.audit import Action, audit_record
from bastion.geo.models import Region

DESCRIPTION_MAX = 2000
NOTE_MAX = 1000
MAX_DEADLINE_DAYS = 90
LINKED_TYPE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")

ALLOWED_FROM = {
    IncidentAction.REGISTER: {IncidentStatus.REPORTED},
    IncidentAction.DISMISS: {IncidentStatus.REPORTED},
    IncidentAction.DISPATCH: {IncidentStatus.REGISTERED, IncidentStatus.DISPATCHED},
    IncidentAction.HANDLE: {IncidentStatus.DISPATCHED},
    IncidentAction.VERIFY: {IncidentStatus.HANDLED},
    IncidentAction.SEND_BACK: {IncidentStatus.HANDLED},
    IncidentAction.ARCHIVE: {IncidentStatus.CLOSED, IncidentStatus.DISMISSED},
    IncidentAction.EXTENSION_REQUEST: {IncidentStatus.DISPATCHED},
}


def refusal(action: str, status: str) -> str:
    """Why `action` cannot be taken on an incident in `status`."""
    if status == IncidentStatus.ARCHIVED:
        return _("事件已归档，不能再操作")
    if (
        status in (IncidentStatus.CLOSED, IncidentStatus.DISMISSED)
        and action != IncidentAction.ARCHIVE
    ):
        return _("事件已办结，不能再操作")
    messages = {
        IncidentAction.REGISTER: _("事件已受理，无需重复受理"),
        IncidentAction.DISMISS: _("事件已受理，不能再作不予受理处理"),
        IncidentAction.DISPATCH: _("请先受理事件，再分拨"),
        IncidentAction.HANDLE: _("事件不在处置中，不能反馈处置结果"),
        IncidentAction.VERIFY: _("处置单位尚未反馈处置结果，不能核查"),
        IncidentAction.SEND_BACK: _("处置单位尚未反馈处置结果，不能退回"),
        IncidentAction.ARCHIVE: _("事件尚未办结，不能归档"),
        IncidentAction.EXTENSION_REQUEST: _("只有处置中的事件可以申请延期"),
    }
    if action == IncidentAction.DISPATCH and status == IncidentStatus.HANDLED:
        return _("处置单位已反馈，请先核查")
    return messages.get(action, _("当前状态下不能执行此操作"))


def incident_link(incident: Incident) -> str:
    return reverse("command:incident_detail", args=[incident.public_id])


# --- Who may do what ----------------------------------------------------------------------


def can_receive(user, incident: Incident) -> bool:
    """The receiving level: INCIDENT_HANDLE over the receiving region."""
    return is_system(user) or can_on_path(user, Perm.INCIDENT_HANDLE, incident.receiving_path)


def can_handle(user, incident: Incident) -> bool:
    """The handling unit (INCIDENT_HANDLE for it)."""
    if not incident.handler_key:
        return False
    return is_system(user) or acts_for_unit(
        user, Perm.INCIDENT_HANDLE, stored_unit(incident, "handler")
    )


def can_verify(user, incident: Incident) -> bool:
    """The reporter or an inspector of the receiving level."""
    reporter = user is not None and incident.reported_by_id == getattr(user, "pk", None)
    return reporter or can_receive(user, incident)


def _log(
    incident: Incident,
    *,
    action: str,
    actor,
    now: dt.datetime,
    before: str,
    note: str = "",
    details: dict | None = None,
    photos: Iterable = (),
) -> IncidentLogEntry:
    entry = IncidentLogEntry.objects.create(
        incident=incident,
        action=action,
        from_status=before,
        to_status=incident.status,
        note=note,
        details=details or {},
        actor=actor_or_none(actor),
        actor_name=actor_name(actor),
        at=now,
    )
    if photos:
        entry.photos.set(photos)
    return entry


def _audit(actor, incident: Incident, changes: dict, reason: str = "", action=Action.UPDATE):
    audit_record(
        actor=actor_or_none(actor),
        action=action,
        obj=incident,
        object_repr=f"{incident.number} {incident.kind.name_zh}"[:200],
        path=incident.path,
        changes=changes,
        reason=reason[:500],
    )


def _tell(users, title: str, incident: Incident, level: str = "info", body: str = "") -> None:
    seen = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notify(recipient=user, title=title, body=body, link=incident_link(incident), level=level)


# --- Report -------------------------------------------------------------------------------


def _clean_link(linked_type: str, linked_ref: str, linked_label: str) -> tuple[str, str, str]:
    linked_type = clean_text(
        linked_type, field="linked_type", label=_("关联记录类型"), max_length=40, required=False
    )
    if linked_type and not LINKED_TYPE.match(linked_type):
        raise ValidationError({"linked_type": [_("关联记录类型应形如 campaigns.venue")]})
    linked_ref = clean_text(
        linked_ref, field="linked_ref", label=_("关联记录编号"), max_length=64, required=False
    )
    linked_label = clean_text(
        linked_label, field="linked_label", label=_("关联记录名称"), max_length=120, required=False
    )
    if linked_type and not linked_ref:
        raise ValidationError({"linked_ref": [_("请填写关联记录编号")]})
    return linked_type, linked_ref, linked_label


def _visible(restrict, record, actor) -> bool:
    return restrict(type(record).objects.filter(pk=record.pk), actor).exists()


def incident_report(
    *,
    actor,
    kind: str,
    grade: str,
    region,
    description: str,
    person=None,
    household=None,
    linked_type: str = "",
    linked_ref: str = "",
    linked_label: str = "",
    source: str = "",
    source_ref: str = "",
    photos=(),
    place: str = "",
    now: dt.datetime | None = None,
) -> Incident:
    """Report an incident at `region` (a grid, village, community or town).

    Idempotent per (source, source_ref) when source_ref is given: a second call returns
    the first incident. Http404 when the actor may not report at that region, or may not
    see the linked person or household. Another app links its own record with
    linked_type ("campaigns.venue"), linked_ref (its public id) and linked_label.
    """
    now = now_or(now)
    if not isinstance(region, Region):
        raise ValidationError({"region": [_("请选择事件发生的区划")]})
    if not is_system(actor) and not can_on_path(actor, Perm.INCIDENT_REPORT, region.path):
        raise Http404
    source = clean_text(source, field="source", label=_("来源"), max_length=30, required=False)
    source_ref = clean_text(
        source_ref, field="source_ref", label=_("来源编号"), max_length=64, required=False
    )
    if source_ref:
        existing = Incident.objects.filter(source=source, source_ref=source_ref).first()
        if existing is not None:
            return existing
    errors: dict[str, list[str]] = {}
    kind_row = IncidentKind.objects.filter(code=kind, active=True).first()
    if kind_row is None:
        errors["kind"] = [_("事件类型不存在或已停用：%(kind)s") % {"kind": str(kind)[:40]}]
    if grade not in IncidentGrade.values:
        errors["grade"] = [_("请选择事件等级（简易、一般、突出、重大）")]
    values: dict = {}
    for name, call in (
        (
            "description",
            lambda: clean_text(
                description, field="description", label=_("事件描述"), max_length=DESCRIPTION_MAX
            ),
        ),
        (
            "place",
            lambda: clean_text(
                place, field="place", label=_("具体地点"), max_length=200, required=False
            ),
        ),
        ("link", lambda: _clean_link(linked_type, linked_ref, linked_label)),
        ("photos", lambda: clean_files(photos, field="photos")),
    ):
        try:
            values[name] = call()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if not is_system(actor):
        # The linked person or household must be one the reporter may see.
        if person is not None and not _visible(restrict_people, person, actor):
            raise Http404
        if household is not None and not _visible(restrict_households, household, actor):
            raise Http404
    receiving = receiving_region(region, grade)
    linked = values["link"]
    incident = Incident(
        kind=kind_row,
        grade=grade,
        region=region,
        path=region.path,
        place=values["place"],
        description=values["description"],
        person=person,
        household=household,
        linked_type=linked[0],
        linked_ref=linked[1],
        linked_label=linked[2],
        source=source,
        source_ref=source_ref,
        reported_by=actor_or_none(actor),
        reporter_name=actor_name(actor),
        reported_at=now,
        receiving_region=receiving,
        receiving_path=receiving.path,
    )
    incident.full_clean(exclude=["number"], validate_constraints=False)
    try:
        with transaction.atomic():
            incident.save()
            incident.number = f"{local_date(now):%Y%m%d}-{incident.pk:06d}"
            incident.save(update_fields=["number"])
            if values["photos"]:
                incident.photos.set(values["photos"])
            _log(incident, action=IncidentAction.REPORT, actor=actor, now=now, before="")
            _audit(actor, incident, {"status": [None, incident.status]}, action=Action.CREATE)
            level = (
                "danger" if grade in (IncidentGrade.PROMINENT, IncidentGrade.MAJOR) else "warning"
            )
            title = _("新事件待受理：%(kind)s（%(grade)s）%(place)s") % {
                "kind": kind_row.name_zh,
                "grade": incident.get_grade_display(),
                "place": region.name,
            }
            _tell(
                own_users(region_unit(receiving), perm=Perm.INCIDENT_HANDLE), title, incident, level
            )
    except IntegrityError:
        if not source_ref:
            raise
        return Incident.objects.get(source=source, source_ref=source_ref)
    return incident


# --- Steps --------------------------------------------------------------------------------


def _locked(incident: Incident, action: str) -> Incident:
    locked = (
        Incident.objects.select_for_update()
        .select_related("kind", "receiving_region", "reported_by")
        .get(pk=incident.pk)
    )
    if locked.status not in ALLOWED_FROM[action]:
        raise ValidationError({"__all__": [refusal(action, locked.status)]})
    return locked


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def incident_register(*, actor, incident: Incident, note: str = "", now=None) -> Incident:
    """The receiving level accepts the report (受理)."""
    now = now_or(now)
    note = clean_text(note, field="note", label=_("受理意见"), max_length=NOTE_MAX, required=False)
    with transaction.atomic():
        locked = _locked(incident, IncidentAction.REGISTER)
        _require(can_receive(actor, locked), _("只有受理层级可以受理事件"))
        before = locked.status
        locked.status = IncidentStatus.REGISTERED
        locked.registered_at = now
        locked.save(update_fields=["status", "registered_at", "updated_at"])
        _log(locked, action=IncidentAction.REGISTER, actor=actor, now=now, before=before, note=note)
        _audit(actor, locked, {"status": [before, locked.status]}, note)
    return locked


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
    with transaction.atomic():
        locked = _locked(incident, IncidentAction.DISMISS)
        _require(can_receive(actor, locked), _("只有受理层级可以作不予受理处理"))
        before = locked.status
        locked.status = IncidentStatus.DISMISSED
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        _log(
            locked, action=IncidentAction.DISMISS, actor=actor, now=now, before=before, note=reason
        )
        _audit(actor, locked, {"status": [before, locked.status]}, reason)
        _tell(
            [locked.reported_by],
            _("事件不予受理：%(number)s") % {"number": locked.number},
            locked,
            body=reason,
        )
    return locked


def handler_is_allowed(incident: Incident, unit: Unit) -> bool:
    """A handling unit lies under the receiving region: a region below or at it, or an
    organization or team sitting in its area."""
    return bool(unit.region_path) and unit.region_path.startswith(incident.receiving_path)


def _clean_deadline(deadline, now: dt.datetime, field: str = "deadline") -> dt.datetime:
    if not isinstance(deadline, dt.datetime):
        raise ValidationError({field: [_("请填写处置期限")]})
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    if deadline <= now:
        raise ValidationError({field: [_("处置期限必须晚于现在")]})
    if deadline > now + dt.timedelta(days=MAX_DEADLINE_DAYS):
        raise ValidationError({field: [_("处置期限不能超过 %(n)d 天") % {"n": MAX_DEADLINE_DAYS}]})
    return deadline


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
    with transaction.atomic():
        locked = _locked(incident, IncidentAction.HANDLE)
        _require(can_handle(actor, locked), _("只有处置单位可以反馈处置结果"))
        before = locked.status
        locked.status = IncidentStatus.HANDLED
        locked.handled_at = now
        locked.save(update_fields=["status", "handled_at", "updated_at"])
        _log(
            locked,
            action=IncidentAction.HANDLE,
            actor=actor,
            now=now,
            before=before,
            note=note,
            photos=files,
        )
        _audit(actor, locked, {"status": [before, locked.status]}, note)
        title = _("事件已处置，待核查：%(number)s") % {"number": locked.number}
        users = [
            locked.reported_by,
            *own_users(region_unit(locked.receiving_region), perm=Perm.INCIDENT_HANDLE),
        ]
        _tell(users, title, locked)
    return locked


def incident_verify(*, actor, incident: Incident, note: str = "", now=None) -> Incident:
    """The reporter or an inspector confirms the handling: the incident is closed."""
    now = now_or(now)
    note = clean_text(note, field="note", label=_("核查意见"), max_length=NOTE_MAX, required=False)
    with transaction.atomic():
        locked = _locked(incident, IncidentAction.VERIFY)
        _require(can_verify(actor, locked), _("只有上报人或受理层级的核查人员可以核查"))
        before = locked.status
        locked.status = IncidentStatus.CLOSED
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        _log(locked, action=IncidentAction.VERIFY, actor=actor, now=now, before=before, note=note)
        _audit(actor, locked, {"status": [before, locked.status]}, note)
        title = _("事件已结案：%(number)s") % {"number": locked.number}
        _tell(
            [
                locked.reported_by,
                *own_users(stored_unit(locked, "handler"), perm=Perm.INCIDENT_HANDLE),
            ],
            title,
            locked,
        )
    return locked


def incident_send_back(*, actor, incident: Incident, reason: str, now=None) -> Incident:
    """The reporter or an inspector finds the handling wanting: back to the handler."""
    now = now_or(now)
    reason = clean_text(reason, field="reason", label=_("退回理由"), max_length=NOTE_MAX)
    with transaction.atomic():
        locked = _locked(incident, IncidentAction.SEND_BACK)
        _require(can_verify(actor, locked), _("只有上报人或受理层级的核查人员可以退回"))
        before = locked.status
        locked.status = IncidentStatus.DISPATCHED
        locked.returned_count += 1
        locked.escalated_at = None
        locked.save(update_fields=["status", "returned_count", "escalated_at", "updated_at"])
        _log(
            locked,
            action=IncidentAction.SEND_BACK,
            actor=actor,
            now=now,
            before=before,
            note=reason,
        )
        _audit(actor, locked, {"status": [before, locked.status]}, reason)
        title = _("事件核查未通过，请重新处置：%(number)s") % {"number": locked.number}
        _tell(
            own_users(stored_unit(locked, "handler"), perm=Perm.INCIDENT_HANDLE),
            title,
            locked,
            "warning",
            reason,
        )
    return locked


def incident_archive(*, actor, incident: Incident, now=None) -> Incident:
    """The receiving level files away a closed or dismissed incident."""
    now = now_or(now)
    with transaction.atomic():
        locked = _locked(incident, IncidentAction.ARCHIVE)
        _require(can_receive(actor, locked), _("只有受理层级可以归档"))
        before = locked.status
        locked.status = IncidentStatus.ARCHIVED
        locked.archived_at = now
        locked.save(update_fields=["status", "archived_at", "updated_at"])
        _log(locked, action=IncidentAction.ARCHIVE, actor=actor, now=now, before=before)
        _audit(actor, locked, {"status": [before, locked.status]})
    return locked


# --- Extensions ---------------------------------------------------------------------------


def incident_extension_request(
    *, actor, incident: Incident, deadline: dt.datetime, reason: str, now=None
) -> IncidentExtension:
    """The handling unit asks for a later deadline; the receiving level decides."""
    now = now_or(now)
    reason = clean_text(reason, field="reason", label=_("延期理由"), max_length=300)
    requested = _clean_deadline(deadline, now)
    with transaction.atomic():
        locked = _locked(incident, IncidentAction.EXTENSION_REQUEST)
        _require(can_handle(actor, locked), _("只有处置单位可以申请延期"))
        if locked.extensions.filter(status=ExtensionStatus.PENDING).exists():
            raise ValidationError({"__all__": [_("已有待审批的延期申请，请等待审批结果")]})
        if requested <= locked.deadline:
            raise ValidationError({"deadline": [_("申请的期限必须晚于当前期限")]})
        extension = IncidentExtension.objects.create(
            incident=locked,
            requested_deadline=requested,
            previous_deadline=locked.deadline,
            reason=reason,
            requested_by=actor_or_none(actor),
            requested_at=now,
        )
        _log(
            locked,
            action=IncidentAction.EXTENSION_REQUEST,
            actor=actor,
            now=now,
            before=locked.status,
            note=reason,
            details={"requested_deadline": requested.isoformat()},
        )
        _audit(actor, locked, {"extension": [None, requested.isoformat()]}, reason)
        title = _("事件延期申请待审批：%(number)s") % {"number": locked.number}
        _tell(
            own_users(region_unit(locked.receiving_region), perm=Perm.INCIDENT_HANDLE),
            title,
            locked,
            "warning",
        )
    return extension


def incident_extension_decide(
    *, actor, extension: IncidentExtension, approve: bool, note: str = "", now=None
) -> IncidentExtension:
    """Approve (the deadline moves) or refuse a pending extension; never one's own."""
    now = now_or(now)
    incident = extension.incident
    _require(can_receive(actor, incident), _("只有受理层级可以审批延期申请"))
    if actor is not None and extension.requested_by_id == actor.pk:
        raise PermissionDenied(_("不能审批自己提出的延期申请"))
    note = clean_text(note, field="note", label=_("审批意见"), max_length=300, required=not approve)
    with transaction.atomic():
        locked_incident = (
            Incident.objects.select_for_update().select_related("kind").get(pk=incident.pk)
        )
        locked = IncidentExtension.objects.select_for_update().get(pk=extension.pk)
        if locked.status != ExtensionStatus.PENDING:
            raise ValidationError({"__all__": [_("该延期申请已审批")]})
        if approve and locked_incident.status != IncidentStatus.DISPATCHED:
            raise ValidationError({"__all__": [_("事件已不在处置中，延期申请无需批准")]})
        locked.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        locked.decided_by = actor_or_none(actor)
        locked.decided_at = now
        locked.decision_note = note
        locked.save()
        details = {"requested_deadline": locked.requested_deadline.isoformat()}
        if approve:
            details["previous_deadline"] = locked_incident.deadline.isoformat()
            locked_incident.deadline = locked.requested_deadline
            locked_incident.reminded_at = None
            locked_incident.escalated_at = None
            locked_incident.save(
                update_fields=["deadline", "reminded_at", "escalated_at", "updated_at"]
            )
        _log(
            locked_incident,
            action=IncidentAction.EXTENSION_APPROVE if approve else IncidentAction.EXTENSION_REJECT,
            actor=actor,
            now=now,
            before=locked_incident.status,
            note=note,
            details=details,
        )
        _audit(
            actor, locked_incident, {"extension": [ExtensionStatus.PENDING, locked.status]}, note
        )
        title = (
            _("延期申请已批准：%(number)s") if approve else _("延期申请未批准：%(number)s")
        ) % {"number": locked_incident.number}
        _tell([locked.requested_by], title, locked_incident, body=note)
    return locked
