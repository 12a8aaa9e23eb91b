"""Scoped reads of liaison groups, their visits, and cadre observations.

A liaison group is visible to whoever sees its organization (the organization
department) and to the logins that sit in it. Cadre observations are visible only with
Perm.CADRE_OBSERVE over the cadre's unit: to everyone else the list is empty and every
record answers 404.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_org_or_region
from bastion.party.models import CadreObservation, LiaisonGroup, LiaisonVisit
from bastion.party.selectors.common import get_or_404, search_text, signed_in


def liaison_group_list(*, user) -> QuerySet[LiaisonGroup]:
    if not signed_in(user):
        return LiaisonGroup.objects.none()
    scoped = restrict_by_org_or_region(LiaisonGroup.objects.all(), user, Perm.PARTY_VIEW)
    return (
        LiaisonGroup.objects.filter(Q(pk__in=scoped.values("pk")) | Q(users=user))
        .distinct()
        .select_related("organization")
    )


def liaison_group_get(*, user, public_id) -> LiaisonGroup:
    return get_or_404(liaison_group_list(user=user), public_id)


def liaison_groups_with_counts(*, user) -> QuerySet[LiaisonGroup]:
    return (
        liaison_group_list(user=user)
        .annotate(
            units=Count("pairings", filter=Q(pairings__ended_on__isnull=True), distinct=True),
            visit_count=Count("visits", distinct=True),
        )
        .order_by("org_path", "number", "id")
    )


def liaison_visit_list(*, user, group: LiaisonGroup | None = None) -> QuerySet[LiaisonVisit]:
    qs = LiaisonVisit.objects.filter(group__in=liaison_group_list(user=user).values("pk"))
    if group is not None:
        qs = qs.filter(group=group)
    return qs.select_related("group", "unit", "recorded_by").prefetch_related("attachments")


def liaison_visit_get(*, user, public_id) -> LiaisonVisit:
    return get_or_404(liaison_visit_list(user=user), public_id)


def cadre_observation_list(*, user, q: str = "") -> QuerySet[CadreObservation]:
    """Observations over units where the user holds Perm.CADRE_OBSERVE; none otherwise."""
    if not signed_in(user):
        return CadreObservation.objects.none()
    qs = restrict_by_org_or_region(
        CadreObservation.objects.all(), user, Perm.CADRE_OBSERVE
    ).select_related("unit", "group", "recorded_by")
    q = search_text(q)
    if q:
        qs = qs.filter(Q(cadre_name__icontains=q) | Q(unit__name__icontains=q))
    return qs


def cadre_observation_get(*, user, public_id) -> CadreObservation:
    return get_or_404(cadre_observation_list(user=user), public_id)
