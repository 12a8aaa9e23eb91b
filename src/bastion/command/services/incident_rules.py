"""Incident rules shared by the incident services: the allowed steps and their refusals,
who may take them, and the log, audit and notification each step writes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.access.services import notify
from bastion.command.models import (
    Incident,
    IncidentAction,
    IncidentLogEntry,
    IncidentStatus,
)
from bastion.command.services.common import (
    actor_name,
    actor_or_none,
    is_system,
)
from bastion.command.units import (
    acts_for_unit,
    stored_unit,
)
from bastion.core.audit import Action, audit_record

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


def _locked(incident: Incident, action: str) -> Incident:
    locked = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("kind", "receiving_region", "reported_by")
        .get(pk=incident.pk)
    )
    if locked.status not in ALLOWED_FROM[action]:
        raise ValidationError({"__all__": [refusal(action, locked.status)]})
    return locked


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


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
