"""Indicators owned by geo: regions by level, grids, households."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy

from bastion.core.indicators import Indicator, Scope
from bastion.geo.models import Household, Level, Region
from bastion.geo.selectors import household_count, household_list, region_list


def regions(scope: Scope, as_of: dt.datetime) -> QuerySet[Region]:
    """Regions in the user's subtrees (not the ancestors above them) that existed at `as_of`."""
    return region_list(user=scope.user, within=scope.region_path, subtrees_only=True).filter(
        created_at__lte=as_of
    )


def grids(scope: Scope, as_of: dt.datetime) -> QuerySet[Region]:
    return regions(scope, as_of).filter(level=Level.GRID)


def households(scope: Scope, as_of: dt.datetime) -> QuerySet[Household]:
    return household_list(user=scope.user, within=scope.region_path).filter(created_at__lte=as_of)


def _households_count(scope: Scope, as_of: dt.datetime) -> int:
    return household_count(user=scope.user, within=scope.region_path, as_of=as_of)


def regions_by_level(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    """(level, its name, count) for every level, in tree order, zeros included."""
    counts = dict(regions(scope, as_of).order_by().values_list("level").annotate(n=Count("id")))
    return [(level.value, str(level.label), counts.get(level.value, 0)) for level in Level]


INDICATORS = [
    Indicator(
        code="regions",
        name_zh="区划数",
        name_en="Regions",
        unit_zh="个",
        unit_en="regions",
        description=gettext_lazy("权限范围内行政区划树的区划数，按级别分列。"),
        records=regions,
        breakdown=regions_by_level,
        tags=("geo",),
    ),
    Indicator(
        code="grids",
        name_zh="网格数",
        name_en="Grids",
        unit_zh="个",
        unit_en="grids",
        description=gettext_lazy("权限范围内的网格数（最小的责任单元）。"),
        records=grids,
        tags=("geo",),
    ),
    Indicator(
        code="households",
        name_zh="户数",
        name_en="Households",
        unit_zh="户",
        unit_en="households",
        description=gettext_lazy("权限范围内各网格登记的户数。"),
        records=households,
        count_fn=_households_count,
        tags=("geo",),
    ),
]
