"""Scoped reads of alerts, home-service requests and a person's timeline.

Visibility follows the observation: whoever may see an observation (region grant or
a seat on its team) sees its alerts and services; anything else is Http404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from bastion.core.masking import mask_name
from bastion.core.models import AuditEntry
from bastion.monitoring.models import (
    Alert,
    AlertKind,
    Extension,
    FollowUp,
    Observation,
    ServiceRequest,
    ServiceStatus,
)
from bastion.monitoring.selectors.observations import observation_list
from bastion.monitoring.services.alerts import escalation_level

OPEN_SERVICE_STATUSES = (ServiceStatus.OPEN, ServiceStatus.ASSIGNED, ServiceStatus.IN_PROGRESS)


def _visible_observations(user, region_path: str | None = None) -> QuerySet:
    return observation_list(user=user, region_path=region_path).order_by().values("pk")


def alert_list(
    *, user, region_path: str | None = None, open_only: bool = False, kind: str | None = None
) -> QuerySet[Alert]:
    """Alerts the user may see, open ones first, newest first within each group."""
    qs = Alert.objects.filter(observation__in=_visible_observations(user, region_path))
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    is_open = Case(
        When(resolved_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        qs.annotate(closed=is_open)
        .select_related("observation__person", "observation__policy", "acknowledged_by")
        .order_by("closed", "-raised_at", "-id")
    )


def alert_get(*, user, public_id) -> Alert:
    try:
        return alert_list(user=user).select_related("resolved_by").get(public_id=public_id)
    except (Alert.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def with_levels(alerts, now: dt.datetime | None = None) -> list[Alert]:
    """Attach the derived escalation level (`alert.level`) to each alert."""
    now = now or timezone.now()
    out = list(alerts)
    for alert in out:
        alert.level = escalation_level(alert, alert.observation.policy, now)
        alert.masked_name = mask_name(alert.observation.person.name)
    return out


def service_list(
    *, user, region_path: str | None = None, open_only: bool = False, observation=None
) -> QuerySet[ServiceRequest]:
    """Service requests the user may see, unfinished ones first."""
    qs = ServiceRequest.objects.filter(observation__in=_visible_observations(user, region_path))
    if observation is not None:
        qs = qs.filter(observation=observation)
    if open_only:
        qs = qs.filter(status__in=OPEN_SERVICE_STATUSES)
    finished = Case(
        When(status__in=OPEN_SERVICE_STATUSES, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        qs.annotate(finished=finished)
        .select_related("observation__person", "assigned_to")
        .order_by("finished", "-created_at", "-id")
    )


def service_get(*, user, public_id) -> ServiceRequest:
    try:
        return service_list(user=user).get(public_id=public_id)
    except (ServiceRequest.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


# --- Timeline ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    at: dt.datetime
    kind: str  # followup | alert | alert_ack | alert_resolved | service | change
    obj: Any
    order: int = 0


def observation_timeline(*, observation: Observation) -> list[TimelineEvent]:
    """Everything that happened to an (already scoped) observation, oldest first.

    Constant query count: follow-ups, alerts, services, extensions and audit entries
    (the observation's own, and its services' changes).
    """
    events: list[TimelineEvent] = []
    followups = FollowUp.objects.filter(observation=observation).select_related(
        "recorded_by", "corrected_by"
    )
    for f in followups:
        events.append(TimelineEvent(f.observed_at, "followup", f))
    alerts = Alert.objects.filter(observation=observation).select_related(
        "acknowledged_by", "resolved_by"
    )
    for a in alerts:
        events.append(TimelineEvent(a.raised_at, "alert", a))
        if a.acknowledged_at and a.acknowledged_at != a.resolved_at:
            events.append(TimelineEvent(a.acknowledged_at, "alert_ack", a, 1))
        if a.resolved_at:
            events.append(TimelineEvent(a.resolved_at, "alert_resolved", a, 2))
    services = ServiceRequest.objects.filter(observation=observation).select_related(
        "assigned_to", "requested_by"
    )
    for s in services:
        events.append(TimelineEvent(s.created_at, "service", s))
    for extension in Extension.objects.filter(observation=observation):
        events.append(TimelineEvent(extension.created_at, "extension", extension))
    audit = AuditEntry.objects.filter(
        object_type="monitoring.observation", object_id=str(observation.public_id)
    )
    service_ids = [str(s.public_id) for s in services]
    service_audit = AuditEntry.objects.filter(
        object_type="monitoring.servicerequest", object_id__in=service_ids, action="update"
    )
    for entry in [*audit, *service_audit]:
        if set(entry.changes or {}) == {"extra_days"}:
            continue  # shown as the extension itself
        events.append(TimelineEvent(entry.at, "change", _describe(entry)))
    events.sort(key=lambda e: (e.at, e.order))
    return events


@dataclass(frozen=True, slots=True)
class Change:
    entry: AuditEntry
    fields: list[tuple[str, Any, Any]]
    team: list[tuple[str, Any, Any]]


def _describe(entry: AuditEntry) -> Change:
    """Split an audit entry into plain field changes and team seat changes."""
    fields: list[tuple[str, Any, Any]] = []
    team: list[tuple[str, Any, Any]] = []
    for key, value in (entry.changes or {}).items():
        if key == "team" and isinstance(value, dict):
            team.extend((seat, old_new[0], old_new[1]) for seat, old_new in value.items())
        elif key == "name":
            continue  # the timeline never repeats the person's name
        elif isinstance(value, list | tuple) and len(value) == 2:
            fields.append((key, value[0], value[1]))
        else:
            fields.append((key, None, value))
    return Change(entry, fields, team)


__all__ = [
    "AlertKind",
    "alert_get",
    "alert_list",
    "observation_timeline",
    "service_get",
    "service_list",
    "with_levels",
]
