"""Scoped reads of publicity materials, partner companies and distributions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from bastion.access.roles import Perm
from bastion.campaigns.models import (
    DistributionAction,
    Material,
    MaterialDistribution,
    PartnerCompany,
)
from bastion.campaigns.selectors.campaigns import ancestor_paths, prefix_q, user_prefixes
from bastion.campaigns.selectors.venues import restrict_pathed


def material_list(*, user, perm: str = Perm.CAMPAIGN_VIEW) -> QuerySet[Material]:
    """Materials issued in the user's subtrees or above them (a county's leaflet is handed
    out by every grid worker), with their totals handed out / put up in her subtrees."""
    qs = Material.objects.all()
    prefixes = user_prefixes(user, perm)
    if prefixes is not None:
        above = {a for p in prefixes for a in ancestor_paths(p)}
        qs = qs.filter(prefix_q("path", prefixes) | Q(path__in=above))
        mine = prefix_q("distributions__path", prefixes)
    else:
        mine = Q()
    return qs.annotate(
        handed_out=Sum(
            "distributions__quantity",
            filter=mine & Q(distributions__action=DistributionAction.HANDED_OUT),
            default=0,
        ),
        posted=Sum(
            "distributions__quantity",
            filter=mine & Q(distributions__action=DistributionAction.POSTED),
            default=0,
        ),
    ).select_related("region", "campaign")


def material_get(*, user, public_id, perm: str = Perm.CAMPAIGN_VIEW) -> Material:
    try:
        return material_list(user=user, perm=perm).get(public_id=public_id)
    except (Material.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def company_list(*, user, within: str | None = None, q: str = "") -> QuerySet[PartnerCompany]:
    """Partner companies registered in the user's subtrees, with how many places they
    posted at and copies they put up or handed out."""
    qs = restrict_pathed(PartnerCompany.objects.all(), user)
    if within:
        qs = qs.filter(path__startswith=within)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return qs.annotate(
        copies=Sum("distributions__quantity", default=0),
        entries=Count("distributions", filter=Q(distributions__quantity__gt=0)),
    ).select_related("region")


def company_get(*, user, public_id) -> PartnerCompany:
    try:
        return company_list(user=user).get(public_id=public_id)
    except (PartnerCompany.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def distribution_list(
    *,
    user,
    within: str | None = None,
    material: Material | None = None,
    company: PartnerCompany | None = None,
    action: str = "",
) -> QuerySet[MaterialDistribution]:
    qs = restrict_pathed(MaterialDistribution.objects.all(), user)
    if within:
        qs = qs.filter(path__startswith=within)
    if material is not None:
        qs = qs.filter(material=material)
    if company is not None:
        qs = qs.filter(company=company)
    if action:
        qs = qs.filter(action=action)
    return qs.select_related(
        "material", "region", "company", "recorded_by", "voids", "voided_by", "visit"
    ).order_by("-distributed_on", "-id")


def distribution_get(*, user, public_id) -> MaterialDistribution:
    try:
        return distribution_list(user=user).get(public_id=public_id)
    except (MaterialDistribution.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def handout_materials(*, campaign, household, kinds, limit: int = 6) -> list[Material]:
    """Materials a visit may hand over: issued at the household's grid or above it, for
    this campaign or for none (the form offers them as quantity fields)."""
    return list(
        Material.objects.filter(kind__in=kinds, path__in=ancestor_paths(household.path))
        .filter(Q(campaign__isnull=True) | Q(campaign=campaign))
        .order_by("-campaign_id", "path", "name")[:limit]
    )
