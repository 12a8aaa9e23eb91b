"""Scoped reads of venues, inspections, commitment letters, check-ins and traces.

Venues and everything hanging off them are region-pathed records: a user sees those
under her CAMPAIGN_VIEW subtrees (`restrict_by_path`, plus her 包片 grids).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from bastion.access.roles import Perm
from bastion.campaigns.models import (
    CheckIn,
    Commitment,
    Inspection,
    InspectionResult,
    TraceRequest,
    Venue,
    VenueKind,
)
from bastion.campaigns.selectors.campaigns import prefix_q, user_prefixes


def restrict_pathed(qs: QuerySet, user, perm: str = Perm.CAMPAIGN_VIEW) -> QuerySet:
    """Records whose `path` lies in the user's subtrees (and 包片 grids) for `perm`."""
    prefixes = user_prefixes(user, perm)
    if prefixes is None:
        return qs
    return qs.filter(prefix_q("path", prefixes))


def venue_kinds(*, active_only: bool = False) -> QuerySet[VenueKind]:
    qs = VenueKind.objects.all()
    return qs.filter(active=True) if active_only else qs


def venue_kind_get(*, public_id) -> VenueKind:
    try:
        return VenueKind.objects.get(public_id=public_id)
    except (VenueKind.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def latest_inspection_q(field: str) -> Subquery:
    latest = Inspection.objects.filter(venue_id=OuterRef("pk")).order_by("-inspected_at", "-id")
    return Subquery(latest.values(field)[:1])


def venue_list(
    *,
    user,
    within: str | None = None,
    kind: str = "",
    q: str = "",
    status: str = "",
    include_closed: bool = False,
    perm: str = Perm.CAMPAIGN_VIEW,
) -> QuerySet[Venue]:
    """Venues in scope, with their latest inspection's result/date and whether a
    commitment letter is in force (`last_result`, `last_inspected_at`, `rectify_by`,
    `letters`). `status`: never_inspected, compliant, rectify, overdue, closed, unsigned."""
    qs = restrict_pathed(Venue.objects.all(), user, perm)
    if not include_closed:
        qs = qs.filter(closed_at__isnull=True)
    if within:
        qs = qs.filter(path__startswith=within)
    if kind:
        qs = qs.filter(kind__code=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(address__icontains=q.strip()))
    qs = qs.annotate(
        last_result=latest_inspection_q("result"),
        last_inspected_at=latest_inspection_q("inspected_at"),
        rectify_by=latest_inspection_q("rectify_by"),
        letters=Count("commitments", filter=Q(commitments__withdrawn_at__isnull=True)),
    )
    today = timezone.localdate()
    if status == "never_inspected":
        qs = qs.filter(last_result__isnull=True)
    elif status == "overdue":
        qs = qs.filter(last_result=InspectionResult.RECTIFY, rectify_by__lt=today)
    elif status in InspectionResult.values:
        qs = qs.filter(last_result=status)
    elif status == "unsigned":
        qs = qs.filter(letters=0)
    return qs.select_related("kind", "region").order_by("path", "name", "id")


def venue_get(*, user, public_id, perm: str = Perm.CAMPAIGN_VIEW) -> Venue:
    try:
        return venue_list(user=user, perm=perm, include_closed=True).get(public_id=public_id)
    except (Venue.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def inspection_list(*, user, venue: Venue | None = None) -> QuerySet[Inspection]:
    qs = restrict_pathed(Inspection.objects.all(), user)
    if venue is not None:
        qs = qs.filter(venue=venue)
    return qs.select_related("venue", "venue__kind", "inspector", "follows").prefetch_related(
        "photos"
    )


def inspection_get(*, user, public_id) -> Inspection:
    try:
        return inspection_list(user=user).get(public_id=public_id)
    except (Inspection.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def commitment_list(*, user, venue: Venue | None = None) -> QuerySet[Commitment]:
    qs = restrict_pathed(Commitment.objects.all(), user)
    if venue is not None:
        qs = qs.filter(venue=venue)
    return qs.select_related("venue", "scan", "recorded_by")


def commitment_get(*, user, public_id) -> Commitment:
    try:
        return commitment_list(user=user).get(public_id=public_id)
    except (Commitment.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def checkin_counts(*, venue: Venue, now: dt.datetime | None = None) -> dict[str, int]:
    """How many check-ins a venue had today and in all (no names: for its page)."""
    now = now or timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    qs = CheckIn.objects.filter(venue=venue)
    return {
        "today": qs.filter(at__gte=start, at__lte=now).count(),
        "total": qs.filter(at__lte=now).count(),
    }


def trace_list(*, user) -> QuerySet[TraceRequest]:
    """The user's own contact-tracing requests (auditors read them in the audit log)."""
    if not getattr(user, "is_authenticated", False):
        return TraceRequest.objects.none()
    return TraceRequest.objects.filter(requested_by=user).select_related("venue")


def trace_get(*, user, public_id) -> TraceRequest:
    try:
        return trace_list(user=user).get(public_id=public_id)
    except (TraceRequest.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def trace_checkins(trace: TraceRequest) -> QuerySet[CheckIn]:
    """The check-ins a trace request covers (its venue, its window)."""
    return (
        CheckIn.objects.filter(
            venue_id=trace.venue_id, at__gte=trace.window_start, at__lte=trace.window_end
        )
        .select_related("person")
        .order_by("at", "id")
    )
