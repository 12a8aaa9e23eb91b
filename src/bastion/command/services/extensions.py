"""Extensions of an incident's deadline: the handling unit asks, the receiving level decides."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.command.models import (
    ExtensionStatus,
    Incident,
    IncidentAction,
    IncidentExtension,
    IncidentStatus,
)
from bastion.command.services.common import (
    actor_or_none,
    clean_text,
    now_or,
)
from bastion.command.services.incident_rules import (
    _audit,
    _clean_deadline,
    _locked,
    _log,
    _require,
    _tell,
    can_handle,
    can_receive,
)
from bastion.command.units import (
    own_users,
    region_unit,
)

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
            Incident.objects.select_for_update(of=("self",))
            .select_related("kind")
            .get(pk=incident.pk)
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
