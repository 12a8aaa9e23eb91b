"""The one visibility rule of supplies records, and lookups that answer 404.

A record is visible with Perm.SUPPLIES_VIEW when one of its region paths lies in the
user's region subtrees, or one of its organization paths in her organization subtrees
(a temporary branch's officer sees the allocations to her branch). An allocation has
three: the recipient's region, the recipient's organization, and the warehouse that
issues it, so the receiving unit, the command and the keepers all see it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm, org_paths_for, region_paths


def can_view(user) -> bool:
    return getattr(user, "is_authenticated", False) and has_perm(user, Perm.SUPPLIES_VIEW)


def visible_q(
    user,
    *,
    region_fields: tuple[str, ...] = ("path",),
    org_fields: tuple[str, ...] = (),
    perm: str = Perm.SUPPLIES_VIEW,
) -> Q | None:
    """None: everything (superuser). Otherwise the OR of prefix matches of the record's
    region fields against the user's region grants and its organization fields against
    her organization grants."""
    regions = region_paths(user, perm)
    orgs = org_paths_for(user, perm)
    if regions is None or orgs is None:
        return None
    q = Q(pk__in=[])
    for name in region_fields:
        for prefix in regions:
            q |= Q(**{f"{name}__startswith": prefix})
    for name in org_fields:
        for prefix in orgs:
            q |= Q(**{f"{name}__startswith": prefix})
    return q


def restrict(qs: QuerySet, user, **fields) -> QuerySet:
    """`qs` narrowed to what `user` may see (nothing for anonymous or without the perm)."""
    if not can_view(user):
        return qs.none()
    q = visible_q(user, **fields)
    return qs if q is None else qs.filter(q)


def get_or_404(qs: QuerySet, **lookup):
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def regions_for(user, perm: str):
    """County, towns and subdistricts where the user holds `perm` (where donations are
    received, warehouses and accounts kept)."""
    from bastion.access.scoping import restrict_by_path
    from bastion.geo.models import Level, Region

    levels = (Level.COUNTY, Level.TOWN, Level.SUBDISTRICT)
    return restrict_by_path(Region.objects.filter(level__in=levels), user, perm).order_by("path")
