"""Applying entries a phone queued offline, and keeping the ones that met newer data.

Each entry arrives alone, with its own Idempotency-Key (the middleware replays the first
answer to a retry), in the order the phone queued them. An entry is accepted (the domain
service wrote its record), rejected (bad input or not found: a 4xx with the reason, the
user fixes or discards it) or in conflict: the server's data moved on, so the entry is
stored as a FieldConflict for the office and the phone is told what happened
(docs/decisions/0076).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_name
from bastion.field.models import ConflictReason, ConflictStatus, EntryKind, FieldConflict

# The queue formats this server understands; a phone that was offline across an upgrade
# still sends the format its page was built with (docs/decisions/0077).
FORMATS = (1, 2)
CURRENT_FORMAT = 2
_V1_TYPES = {"followup": "followup", "visit": "visit", "checkin": "checkin", "report": "incident"}
_TICKET_SALT = "bastion.field.ticket"


# --- Tickets: "the server gave you this item" ----------------------------------------------


def _ticket_value(user, kind: str, target: str) -> str:
    return f"{user.pk}:{kind}:{target}"


def ticket_for(user, kind: str, target: str) -> str:
    """A signature over (user, kind, target) handed out with the day's list; it lets an
    entry about an item that has since left the user's reach be kept as a conflict
    instead of answered with a bare 404 (which must not tell an outsider it exists)."""
    return signing.Signer(salt=_TICKET_SALT).signature(_ticket_value(user, kind, target))


def ticket_valid(user, kind: str, target: str, ticket: str) -> bool:
    if not ticket:
        return False
    import hmac

    return hmac.compare_digest(ticket_for(user, kind, target), str(ticket))


# --- The entry as sent ----------------------------------------------------------------------


@dataclass
class Entry:
    kind: str
    target: str
    data: dict
    ticket: str = ""
    campaign: str = ""
    round: int | None = None
    queued_at: dt.datetime | None = None
    format: int = CURRENT_FORMAT


def _when(value: Any, field_name: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    parsed = parse_datetime(str(value)) if not isinstance(value, dt.datetime) else value
    if parsed is None:
        raise ValidationError({field_name: [_("时间格式不正确")]})
    if timezone.is_naive(parsed):
        raise ValidationError({field_name: [_("时间缺少时区")]})
    return parsed


def _from_format_1(body: dict) -> dict:
    """Format 1 (the first field pages): {type, ref, payload, queuedAt}; the campaign of a
    visit inside the payload; at_home as "yes"/"no"; no tickets."""
    kind = _V1_TYPES.get(str(body.get("type", "")))
    if kind is None:
        raise ValidationError({"type": [_("未知的记录类型")]})
    payload = dict(body.get("payload") or {})
    if "at_home" in payload and isinstance(payload["at_home"], str):
        payload["at_home"] = payload["at_home"] == "yes"
    return {
        "kind": kind,
        "target": body.get("ref", ""),
        "campaign": payload.pop("campaign", ""),
        "round": payload.pop("round", None),
        "data": payload,
        "ticket": "",
        "queued_at": body.get("queuedAt"),
    }


def entry_parse(body: dict) -> Entry:
    """The entry in the current shape, from any supported queue format."""
    if not isinstance(body, dict):
        raise ValidationError(_("请求体应为一个对象"))
    version = body.get("format", 1)
    if version not in FORMATS:
        raise ValidationError(
            {"format": [_("不支持的队列格式 %(v)s，请联网后刷新页面") % {"v": version}]}
        )
    fields = _from_format_1(body) if version == 1 else body
    kind = str(fields.get("kind", ""))
    if kind not in EntryKind.values:
        raise ValidationError({"kind": [_("未知的记录类型")]})
    data = fields.get("data") or {}
    if not isinstance(data, dict):
        raise ValidationError({"data": [_("格式不正确")]})
    round_ = fields.get("round")
    if round_ not in (None, "") and not isinstance(round_, int):
        raise ValidationError({"round": [_("格式不正确")]})
    return Entry(
        kind=kind,
        target=str(fields.get("target") or "")[:64],
        data=data,
        ticket=str(fields.get("ticket") or ""),
        campaign=str(fields.get("campaign") or ""),
        round=round_ if round_ not in (None, "") else None,
        queued_at=_when(fields.get("queued_at"), "queued_at"),
        format=version,
    )


# --- Submitting ----------------------------------------------------------------------------


@dataclass
class Submitted:
    """accepted: `record` says what was written; conflict: `conflict` was stored."""

    status: str
    record: dict = field(default_factory=dict)
    conflict: FieldConflict | None = None


class _Conflict(Exception):  # noqa: N818 - a signal inside this module, not an error
    def __init__(self, reason: str, *, path: str, label: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.label = label


def _get(model_or_qs, **lookup):
    qs = model_or_qs if hasattr(model_or_qs, "model") else model_or_qs.objects.all()
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def _followup(actor, entry: Entry, key: str) -> dict:
    from bastion.monitoring.models import Observation, ObservationStatus
    from bastion.monitoring.selectors.observations import observation_visible_to
    from bastion.monitoring.services.followups import can_record_followup, followup_record

    observation = _get(
        Observation.objects.select_related("policy", "person"), public_id=entry.target
    )
    label = mask_name(observation.person.name)
    reachable = observation_visible_to(actor, observation) and can_record_followup(
        actor, observation
    )
    if not reachable and not ticket_valid(actor, "observation", entry.target, entry.ticket):
        raise Http404
    if observation.status != ObservationStatus.ACTIVE:
        raise _Conflict(ConflictReason.RELEASED, path=observation.path, label=label)
    if not reachable:
        raise _Conflict(ConflictReason.OUT_OF_REACH, path=observation.path, label=label)
    data = entry.data
    symptoms = data.get("symptoms") or []
    if not isinstance(symptoms, list):
        raise ValidationError({"symptoms": [_("症状：未知选项")]})
    try:
        followup = followup_record(
            actor=actor,
            observation=observation,
            observed_at=_when(data.get("observed_at"), "observed_at"),
            temperature=data.get("temperature"),
            symptoms=[str(s) for s in symptoms],
            at_home=data.get("at_home", True) is not False,
            contact=str(data.get("contact") or "seen"),
            note=str(data.get("note") or "")[:300],
            other_symptom=str(data.get("other_symptom") or "")[:200],
        )
    except PermissionDenied:
        raise Http404 from None
    return {"kind": EntryKind.FOLLOWUP, "label": label, "local_date": str(followup.local_date)}


def _visit(actor, entry: Entry, key: str) -> dict:
    from bastion.campaigns.models import CONCLUSIVE, Campaign, HouseholdVisit, VisitState
    from bastion.campaigns.selectors.campaigns import campaign_list, household_for_visit
    from bastion.campaigns.services.visits import visit_record
    from bastion.geo.models import Household

    campaign = _get(Campaign, public_id=entry.campaign)
    household = _get(Household, public_id=entry.target)
    target = f"{entry.campaign}:{entry.target}"
    existing = HouseholdVisit.objects.filter(recorded_by=actor, entry_key=key[:64]).first()
    if existing is not None:
        return {"kind": EntryKind.VISIT, "label": household.label, "visit": str(existing.public_id)}
    reachable = True
    try:
        if not campaign_list(user=actor, perm=Perm.VISIT_RECORD).filter(pk=campaign.pk).exists():
            raise Http404
        household_for_visit(user=actor, campaign=campaign, public_id=household.public_id)
    except Http404:
        reachable = False
    if not reachable and not ticket_valid(actor, "household", target, entry.ticket):
        raise Http404
    where = {"path": household.path, "label": household.label}
    if campaign.closed_at is not None:
        raise _Conflict(ConflictReason.CAMPAIGN_CLOSED, **where)
    if not reachable:
        raise _Conflict(ConflictReason.OUT_OF_REACH, **where)
    if entry.round is not None and entry.round != campaign.current_round:
        raise _Conflict(ConflictReason.ROUND_CHANGED, **where)
    state = VisitState.objects.filter(
        campaign=campaign, round=campaign.current_round, household=household
    ).first()
    if state is not None and state.outcome in CONCLUSIVE:
        raise _Conflict(ConflictReason.ALREADY_SETTLED, **where)
    data = entry.data
    people = data.get("people_present") or 0
    if not isinstance(people, int) or isinstance(people, bool):
        raise ValidationError({"people_present": [_("在家人数应为整数")]})
    result = visit_record(
        actor=actor,
        campaign=campaign,
        household=household,
        outcome=str(data.get("outcome") or ""),
        people_present=people,
        note=str(data.get("note") or ""),
        visited_at=_when(data.get("visited_at"), "visited_at"),
        entry_key=key[:64],
    )
    return {
        "kind": EntryKind.VISIT,
        "label": household.label,
        "visit": str(result.visit.public_id),
    }


def _checkin_code(value: Any) -> str:
    return str(value or "").strip().rstrip("/").rsplit("/", 1)[-1]


def _checkin(actor, entry: Entry, key: str) -> dict:
    from bastion.volunteers.models import CheckKind, CheckMethod, Claim, ClaimStatus, TaskStatus
    from bastion.volunteers.services.attendance import check_record

    claim = _get(Claim.objects.select_related("task", "person"), public_id=entry.target)
    if claim.user_id is None or claim.user_id != actor.pk:
        raise Http404
    task = claim.task
    if claim.status != ClaimStatus.CLAIMED or task.status != TaskStatus.PUBLISHED:
        raise _Conflict(ConflictReason.CANCELLED, path=task.path, label=task.title)
    data = entry.data
    kind = str(data.get("kind") or "")
    if kind not in CheckKind.values:
        raise ValidationError({"kind": [_("请选择签到或签退")]})
    if _checkin_code(data.get("code")) != task.checkin_secret:
        raise ValidationError({"code": [_("签到码不正确或已更换，请重新扫描现场二维码")]})
    result = check_record(
        actor=actor,
        claim=claim,
        kind=kind,
        method=CheckMethod.QR,
        at=_when(data.get("at"), "at"),
    )
    return {"kind": EntryKind.CHECKIN, "label": task.title, "check": result.event.kind}


def _incident(actor, entry: Entry, key: str) -> dict:
    from bastion.command.services.reporting import incident_report
    from bastion.geo.models import Region

    region = Region.objects.filter(code=entry.target).first()
    if region is None:
        raise ValidationError({"region": [_("请选择事件发生的区划")]})
    if not can_on_path(actor, Perm.INCIDENT_REPORT, region.path):
        if not ticket_valid(actor, "region", entry.target, entry.ticket):
            raise Http404
        raise _Conflict(ConflictReason.OUT_OF_REACH, path=region.path, label=region.name)
    data = entry.data
    incident = incident_report(
        actor=actor,
        kind=str(data.get("kind") or ""),
        grade=str(data.get("grade") or ""),
        region=region,
        description=str(data.get("description") or ""),
        place=str(data.get("place") or ""),
        source="field",
        source_ref=key[:100],
    )
    return {"kind": EntryKind.INCIDENT, "label": region.name, "incident": str(incident.public_id)}


_HANDLERS = {
    EntryKind.FOLLOWUP: _followup,
    EntryKind.VISIT: _visit,
    EntryKind.CHECKIN: _checkin,
    EntryKind.INCIDENT: _incident,
}


def entry_submit(*, actor, key: str, entry: Entry, now: dt.datetime | None = None) -> Submitted:
    """Apply one queued entry. Raises ValidationError / Http404 for a rejection; returns
    a conflict (stored once per user and key) when the server's data moved on."""
    now = now or timezone.now()
    key = (key or "").strip()
    if not key:
        raise ValidationError({"Idempotency-Key": [_("缺少幂等键")]})
    previous = FieldConflict.objects.filter(user=actor, key=key).first()
    if previous is not None:
        return Submitted("conflict", conflict=previous)
    try:
        with transaction.atomic():
            record = _HANDLERS[entry.kind](actor, entry, key)
    except _Conflict as found:
        return Submitted("conflict", conflict=_conflict_store(actor, key, entry, found, now))
    return Submitted("accepted", record=record)


def _conflict_store(actor, key: str, entry: Entry, found: _Conflict, now) -> FieldConflict:
    with transaction.atomic():
        data = dict(entry.data)
        if entry.campaign:
            data["campaign"] = entry.campaign
        if entry.round is not None:
            data["round"] = entry.round
        conflict, created = FieldConflict.objects.get_or_create(
            user=actor,
            key=key,
            defaults={
                "kind": entry.kind,
                "reason": found.reason,
                "target": entry.target,
                "target_label": found.label[:200],
                "path": found.path,
                "data": data,
                "queued_at": entry.queued_at,
                "received_at": now,
            },
        )
        if created:
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=conflict,
                object_repr=str(conflict),
                path=conflict.path,
                changes={"reason": [None, conflict.reason], "kind": [None, conflict.kind]},
            )
    return conflict


# --- The office resolves ----------------------------------------------------------------------


def can_resolve(user, conflict: FieldConflict) -> bool:
    return can_on_path(user, Perm.ASSIGNMENT_MANAGE, conflict.path)


def conflict_resolve(*, actor, conflict: FieldConflict, note: str) -> FieldConflict:
    """Close a conflict with what the office did about it (entered by hand, discarded...)."""
    note = (note or "").strip()
    if not can_resolve(actor, conflict):
        raise Http404
    if not note:
        raise ValidationError({"note": [_("请写明处理结果")]})
    if len(note) > 300:
        raise ValidationError({"note": [_("处理结果不能超过 300 字")]})
    with transaction.atomic():
        locked = FieldConflict.objects.select_for_update().get(pk=conflict.pk)
        if locked.status != ConflictStatus.OPEN:
            raise ValidationError(_("该记录已处理"))
        locked.status = ConflictStatus.RESOLVED
        locked.resolved_by = actor
        locked.resolved_at = timezone.now()
        locked.resolution = note
        locked.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            object_repr=str(locked),
            path=locked.path,
            changes={"status": [ConflictStatus.OPEN, ConflictStatus.RESOLVED]},
            reason=note,
        )
    return locked
