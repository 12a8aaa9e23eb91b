"""Scoped reads of the region tree: every function takes the user; out of scope is 404."""

from __future__ import annotations

import uuid

from django.db.models import Count, QuerySet
from django.http import Http404

from bastion.access.roles import Perm
from bastion.access.scoping import (
    restrict_by_path,
    restrict_households,
    restrict_regions,
    subtree_prefixes,
)
from bastion.core.tally import tallied_count
from bastion.geo.models import Household, Region


def region_list(
    *,
    user,
    level: str | None = None,
    parent: Region | None = None,
    q: str = "",
    within: str | None = None,
    subtrees_only: bool = False,
) -> QuerySet[Region]:
    """Regions the user may see, optionally one level, the children of `parent`, those under
    the region path `within` (inclusive), or matching `q` (name fragment or code prefix).

    The user sees the ancestors of her regions too (for breadcrumbs); `subtrees_only`
    leaves them out, for counting what she answers for.
    """
    if subtrees_only:
        qs = restrict_by_path(Region.objects.all(), user, Perm.REGION_VIEW)
    else:
        qs = restrict_regions(Region.objects.all(), user, Perm.REGION_VIEW)
    if level:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if within:
        qs = qs.filter(path__startswith=within)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(code__startswith=q)
    return qs.order_by("path")


def region_get(*, user, public_id=None, code: str | None = None) -> Region:
    """One region by public id or code; Http404 if missing or out of the user's scope."""
    qs = restrict_regions(Region.objects.all(), user, Perm.REGION_VIEW)
    lookup = {"public_id": public_id} if public_id is not None else {"code": code}
    try:
        return qs.select_related("parent").get(**lookup)
    except (Region.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def region_get_by_key(*, user, key: str) -> Region:
    """One region by code or public id (whichever `key` looks like); Http404 otherwise."""
    try:
        public_id = uuid.UUID(key)
    except ValueError:
        return region_get(user=user, code=key)
    return region_get(user=user, public_id=public_id)


def region_children(*, user, region: Region) -> QuerySet[Region]:
    """Children of a visible region, with how many children each has."""
    return region_list(user=user, parent=region).annotate(child_count=Count("children"))


def region_ancestors(region: Region) -> list[Region]:
    """The chain from the root down to `region` (inclusive), in one query."""
    codes = [c for c in region.path.split("/") if c]
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def household_list(
    *, user, grid: Region | None = None, within: str | None = None
) -> QuerySet[Household]:
    """Households the user may see: of one grid, or under the region path `within`."""
    qs = restrict_households(Household.objects.all(), user)
    if grid is not None:
        qs = qs.filter(region=grid)
    if within:
        qs = qs.filter(path__startswith=within)
    return qs.select_related("region", "building", "address")


def household_count(*, user, within: str | None, as_of) -> int:
    """`household_list(user=user, within=within)` created at or before `as_of`, counted
    from the path tally (decision 0093) when the user's scope is whole subtrees."""
    prefixes = subtree_prefixes(user, Perm.PERSON_VIEW, within, people=False)
    if prefixes is None:
        qs = household_list(user=user, within=within).filter(created_at__lte=as_of)
        return qs.order_by().count()
    return tallied_count(Household, "households", prefixes=prefixes, as_of=as_of)


def household_get(*, user, public_id) -> Household:
    try:
        return household_list(user=user).get(public_id=public_id)
    except (Household.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
