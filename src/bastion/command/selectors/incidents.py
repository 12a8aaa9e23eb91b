"""Scoped reads of incidents.

An incident is visible where its place lies in the user's region grants (COMMAND_VIEW), to
the handling unit's users, and to whoever reported it. "Overdue" is derived: dispatched
and past the deadline."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from bastion.access.roles import Perm
from bastion.access.scoping import region_paths
from bastion.command.models import (
    OPEN_STATUSES,
    ExtensionStatus,
    Incident,
    IncidentExtension,
    IncidentKind,
    IncidentStatus,
)
from bastion.command.selectors.common import get_or_404, q_or_all, signed_in
from bastion.command.units import acts_for_q

PERM = Perm.COMMAND_VIEW
DUE_SOON_HOURS = 24


def _place_q(user) -> Q | None:
    paths = region_paths(user, PERM)
    if paths is None:
        return None
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return q


def visible_incidents_q(user) -> Q | None:
    place = _place_q(user)
    if place is None:
        return None
    handler = acts_for_q(user, PERM, prefix="handler_", kind_field="kind")
    # acts_for_q names handler_region_path / handler_org_path through the prefix.
    return place | (q_or_all(handler) & ~Q(handler_key="")) | Q(reported_by=user)


def overdue_q(now: dt.datetime) -> Q:
    return Q(status=IncidentStatus.DISPATCHED, deadline__lt=now)


def incident_list(
    *,
    user,
    show: str = "open",
    grade: str = "",
    kind: str = "",
    handler: str = "",
    mine: bool = False,
    q: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Incident]:
    """Incidents the user sees. show: open / overdue / handled / closed / all."""
    if not signed_in(user):
        return Incident.objects.none()
    now = now or timezone.now()
    qs = Incident.objects.filter(q_or_all(visible_incidents_q(user)))
    if show == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif show == "overdue":
        qs = qs.filter(overdue_q(now))
    elif show == "reported":
        qs = qs.filter(status=IncidentStatus.REPORTED)
    elif show == "handled":
        qs = qs.filter(status=IncidentStatus.HANDLED)
    elif show == "closed":
        qs = qs.filter(
            status__in=[IncidentStatus.CLOSED, IncidentStatus.DISMISSED, IncidentStatus.ARCHIVED]
        )
    if grade:
        qs = qs.filter(grade=grade)
    if kind:
        qs = qs.filter(kind__code=kind)
    if handler:
        qs = qs.filter(handler_key=handler)
    if mine:
        qs = qs.filter(reported_by=user)
    if q:
        text = q.strip()[:60]
        qs = qs.filter(
            Q(number__icontains=text) | Q(description__icontains=text) | Q(place__icontains=text)
        )
    return with_flags(qs, now).select_related("kind", "region", "receiving_region")


def with_flags(qs: QuerySet[Incident], now: dt.datetime) -> QuerySet[Incident]:
    """Annotate `is_overdue` and `has_pending_extension`."""
    pending = IncidentExtension.objects.filter(
        incident=OuterRef("pk"), status=ExtensionStatus.PENDING
    )
    return qs.annotate(
        is_overdue=Case(
            When(overdue_q(now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        has_pending_extension=Exists(pending),
    )


def open_by_grade(*, user) -> dict[str, int]:
    """Open incidents the user sees, counted per grade (one grouped query)."""
    if not signed_in(user):
        return {}
    rows = (
        Incident.objects.filter(q_or_all(visible_incidents_q(user)), status__in=OPEN_STATUSES)
        .order_by()
        .values("grade")
        .annotate(n=Count("pk"))
    )
    return {row["grade"]: row["n"] for row in rows}


def incident_get(*, user, public_id, now: dt.datetime | None = None) -> Incident:
    qs = incident_list(user=user, show="all", now=now).select_related(
        "person", "household", "reported_by"
    )
    return get_or_404(qs, public_id=public_id)


def incident_log(incident: Incident):
    return incident.log.select_related("actor").prefetch_related("photos").order_by("at", "id")


def incident_extensions(incident: Incident):
    return incident.extensions.select_related("requested_by", "decided_by")


def incident_kinds(*, active_only: bool = True) -> QuerySet[IncidentKind]:
    qs = IncidentKind.objects.all()
    return qs.filter(active=True) if active_only else qs


def incidents_by_handler(*, user, now: dt.datetime | None = None) -> list[dict]:
    """Per handling unit: in hand, overdue, due within a day, awaiting verification, closed
    within the deadline and closed late (deadlines and overdue visible per unit)."""
    now = now or timezone.now()
    soon = now + dt.timedelta(hours=DUE_SOON_HOURS)
    closed = Q(status__in=[IncidentStatus.CLOSED, IncidentStatus.ARCHIVED], closed_at__isnull=False)
    rows = (
        Incident.objects.filter(q_or_all(visible_incidents_q(user)))
        .exclude(handler_key="")
        .order_by()
        .values("handler_key", "handler_name")
        .annotate(
            in_hand=Count("pk", filter=Q(status=IncidentStatus.DISPATCHED)),
            overdue=Count("pk", filter=overdue_q(now)),
            due_soon=Count(
                "pk",
                filter=Q(status=IncidentStatus.DISPATCHED, deadline__gte=now, deadline__lte=soon),
            ),
            handled=Count("pk", filter=Q(status=IncidentStatus.HANDLED)),
            closed_in_time=Count("pk", filter=closed & Q(closed_at__lte=F("deadline"))),
            closed_late=Count("pk", filter=closed & Q(closed_at__gt=F("deadline"))),
        )
        .order_by("-overdue", "-in_hand", "handler_name")
    )
    return list(rows)
