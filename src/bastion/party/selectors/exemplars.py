"""Reads of exemplars: the scoped list for nominating organizations and reviewers, and
the public column (approved, published, not withdrawn; no login)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_org_or_region
from bastion.party.models import Exemplar, ExemplarStatus
from bastion.party.selectors.common import get_or_404, search_text, signed_in


def exemplar_list(*, user, perm: str = Perm.PARTY_VIEW) -> QuerySet[Exemplar]:
    """Exemplars nominated by organizations the user sees, or that she may review."""
    if not signed_in(user):
        return Exemplar.objects.none()
    seen = restrict_by_org_or_region(Exemplar.objects.all(), user, perm)
    reviewable = restrict_by_org_or_region(Exemplar.objects.all(), user, Perm.EXEMPLAR_REVIEW)
    return Exemplar.objects.filter(
        Q(pk__in=seen.values("pk")) | Q(pk__in=reviewable.values("pk"))
    ).select_related("nominating_org", "photo", "member__person", "team", "subject_org")


def exemplar_get(*, user, public_id) -> Exemplar:
    return get_or_404(exemplar_list(user=user), public_id)


def exemplar_search(*, user, q: str = "", status: str = "", published: str = "") -> QuerySet:
    qs = exemplar_list(user=user)
    q = search_text(q)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(subject_name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if published == "yes":
        qs = qs.filter(published_at__isnull=False, withdrawn_at__isnull=True)
    return qs


def public_exemplar_list() -> QuerySet[Exemplar]:
    """What the public column shows: approved, published, not withdrawn; newest first.
    Only public fields are loaded."""
    return (
        Exemplar.objects.filter(
            status=ExemplarStatus.APPROVED,
            published_at__isnull=False,
            withdrawn_at__isnull=True,
        )
        .select_related("photo", "nominating_org")
        .only(
            "public_id",
            "kind",
            "title",
            "subject_name",
            "deed",
            "published_at",
            "photo__public_id",
            "photo__content_type",
            "photo__storage_name",
            "photo__original_name",
            "nominating_org__name",
        )
        .order_by("-published_at", "-id")
    )


def public_exemplar_get(public_id) -> Exemplar:
    return get_or_404(public_exemplar_list(), public_id)
