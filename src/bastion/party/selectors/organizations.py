"""Scoped reads of the organization tree, secondments and organization-officer grants.

A record is visible when its organization path lies in one of the user's organization
subtrees for the permission, or its region path in one of the user's region subtrees
(`access.scoping.restrict_by_org_or_region`). Missing or out of scope: Http404.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from bastion.access.models import RoleAssignment
from bastion.access.roles import Perm, Role
from bastion.access.scoping import org_paths_for, region_paths, restrict_by_org_or_region
from bastion.party.models import Organization, Secondment, Tier
from bastion.party.selectors.common import get_or_404, search_text, signed_in


def organization_list(*, user, perm: str = Perm.PARTY_VIEW) -> QuerySet[Organization]:
    """Organizations the user may see (by organization tree or region tree)."""
    if not signed_in(user):
        return Organization.objects.none()
    return restrict_by_org_or_region(
        Organization.objects.all(), user, perm, org_field="path", region_field="region_path"
    ).select_related("parent", "region")


def organization_get(*, user, public_id, perm: str = Perm.PARTY_VIEW) -> Organization:
    return get_or_404(organization_list(user=user, perm=perm), public_id)


def organization_roots(*, user) -> QuerySet[Organization]:
    """The topmost organizations the user sees: those whose parent she cannot see."""
    visible = organization_list(user=user)
    return visible.exclude(parent__in=visible.values("pk")).annotate(child_count=Count("children"))


def organization_children(*, user, organization: Organization) -> QuerySet[Organization]:
    return (
        organization_list(user=user)
        .filter(parent=organization)
        .annotate(child_count=Count("children"), member_count=Count("members", distinct=True))
        .order_by("tier", "code")
    )


def organization_ancestors(*, user, organization: Organization) -> list[Organization]:
    """The chain above `organization` that the user may open (for the breadcrumb)."""
    codes = organization.path.strip("/").split("/")[:-1]
    paths = ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
    found = {o.path: o for o in organization_list(user=user).filter(path__in=paths)}
    return [found[p] for p in paths if p in found]


def organization_search(
    *,
    user,
    q: str = "",
    tier: str = "",
    sector: str = "",
    temporary: str = "",
    perm: str = Perm.PARTY_VIEW,
) -> QuerySet[Organization]:
    """Visible organizations by name or code, tier, sector, open/closed temporary branch."""
    qs = organization_list(user=user, perm=perm)
    q = search_text(q)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__istartswith=q))
    if tier:
        qs = qs.filter(tier=tier)
    if sector:
        qs = qs.filter(sector=sector)
    if temporary == "open":
        qs = qs.filter(tier=Tier.TEMPORARY_BRANCH, closed_on__isnull=True)
    elif temporary == "closed":
        qs = qs.filter(tier=Tier.TEMPORARY_BRANCH, closed_on__isnull=False)
    return qs


def organization_manageable(*, user) -> QuerySet[Organization]:
    return organization_list(user=user, perm=Perm.PARTY_MANAGE).filter(closed_on__isnull=True)


def secondment_list(*, user) -> QuerySet[Secondment]:
    if not signed_in(user):
        return Secondment.objects.none()
    return restrict_by_org_or_region(
        Secondment.objects.all(), user, Perm.PARTY_VIEW
    ).select_related("member__person", "member__organization", "branch")


def secondment_get(*, user, public_id) -> Secondment:
    return get_or_404(secondment_list(user=user), public_id)


def org_officer_grants(*, organization: Organization) -> QuerySet[RoleAssignment]:
    """Organization-officer grants held exactly over `organization` (the caller has
    already opened the organization through `organization_get`)."""
    return (
        RoleAssignment.objects.filter(role=Role.ORG_OFFICER, org_path=organization.path)
        .select_related("user", "granted_by")
        .order_by("user__username")
    )


def org_officer_grant_get(*, organization: Organization, public_id) -> RoleAssignment:
    return get_or_404(org_officer_grants(organization=organization), public_id)


def user_may_see_any_party(user) -> bool:
    """Does the user hold PARTY_VIEW anywhere (region or organization)?"""
    regions, orgs = region_paths(user, Perm.PARTY_VIEW), org_paths_for(user, Perm.PARTY_VIEW)
    return regions is None or orgs is None or bool(regions) or bool(orgs)
