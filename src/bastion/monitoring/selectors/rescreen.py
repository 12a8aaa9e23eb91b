"""Re-screening reads: arrivals from a risk area inside its window, not yet under observation."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from bastion.monitoring.models import Arrival, ObservationStatus, RiskArea
from bastion.monitoring.selectors.observations import visible_prefixes
from bastion.monitoring.services.arrivals import risk_area_q


def arrivals_unobserved(*, area: RiskArea, today: dt.date) -> QuerySet[Arrival]:
    """Every matching arrival (unscoped: for notifications), people under no active observation."""
    return Arrival.objects.filter(risk_area_q(area, today=today)).exclude(
        person__observations__status=ObservationStatus.ACTIVE
    )


def arrival_list(*, user) -> QuerySet[Arrival]:
    """Arrivals in the user's region grants and 包片 grids (team seats do not open them):
    the region part of the observations' visibility rule."""
    qs = Arrival.objects.all()
    prefixes = visible_prefixes(user)
    if prefixes is None:
        return qs
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(path__startswith=prefix)
    return qs.filter(q)


def rescreen_matches(*, user, area: RiskArea, today: dt.date | None = None) -> QuerySet[Arrival]:
    """Arrivals the user may see from `area` in its window whose person is not under observation."""
    today = today or timezone.localdate()
    return (
        arrival_list(user=user)
        .filter(risk_area_q(area, today=today))
        .exclude(person__observations__status=ObservationStatus.ACTIVE)
        .select_related("person", "person__region")
        .prefetch_related("person__tags")
        .order_by("path", "person__name", "-arrived_on", "id")
    )


def rescreen_overview(
    *, user, today: dt.date | None = None, area: RiskArea | None = None
) -> list[tuple[RiskArea, list[Arrival]]]:
    """(area, matches) for each risk area (or the one given) with at least one match."""
    today = today or timezone.localdate()
    areas = [area] if area is not None else list(RiskArea.objects.all())
    result = []
    for each in areas:
        matches = list(rescreen_matches(user=user, area=each, today=today)[:500])
        if matches:
            result.append((each, matches))
    return result
