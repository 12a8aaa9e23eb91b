"""The figure by sub-region (the drill-down bars) and by grid (the map)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_org_or_region
from bastion.core.indicators import Indicator
from bastion.geo.models import Level
from bastion.party.models import Organization
from bastion.reports.dashboard.caching import figure, region_figures
from bastion.reports.dashboard.where import Where, records_link, visible_regions
from bastion.reports.selectors import localized

MAX_MAP_GRIDS = 2000


@dataclass
class ChildRow:
    code: str
    name: str
    level: str
    value: int | None
    dashboard_link: str
    records_link: str


def children(
    *, user, where: Where, indicator: Indicator, moment: dt.datetime, day: dt.date | None
) -> list[ChildRow]:
    """The level below (towns, communities, grids; or sub-organizations) with the figure."""
    rows: list[ChildRow] = []
    base = reverse("reports:dashboard")
    as_of = {"as_of": day.isoformat()} if day else {}
    if where.organization is not None:
        orgs = restrict_by_org_or_region(
            Organization.objects.filter(parent=where.organization),
            user,
            Perm.INDICATOR_VIEW,
            org_field="path",
            region_field="region_path",
        ).order_by("path")
        for org in orgs:
            sub = Where(organization=org)
            value = figure(indicator, sub.scope(user), moment)
            rows.append(
                ChildRow(
                    org.code,
                    org.name,
                    "",
                    value,
                    f"{base}?{urlencode({'org': org.code, **as_of})}",
                    "",
                )
            )
        return rows
    if where.region is None:
        return rows
    regions = list(visible_regions(user).filter(parent=where.region).order_by("path"))
    values = region_figures(indicator, user=user, where=where, regions=regions, moment=moment)
    for region in regions:
        sub = Where(region=region)
        rows.append(
            ChildRow(
                region.code,
                region.name,
                region.get_level_display(),
                values[region.path],
                ""
                if region.level == Level.GRID
                else f"{base}?{urlencode({'region': region.code, **as_of})}",
                records_link(indicator.code, sub, day),
            )
        )
    return rows


def grid_map(
    *, user, where: Where, indicator: Indicator, moment: dt.datetime, day: dt.date | None
) -> dict:
    """The gridmap.js payload: the region's grids, their polygons and the figure."""
    regions = []
    if where.region is not None:
        grids = list(
            visible_regions(user)
            .filter(level=Level.GRID, path__startswith=where.region.path)
            .order_by("path")
            .only("code", "name", "path", "boundary")[:MAX_MAP_GRIDS]
        )
        values = region_figures(indicator, user=user, where=where, regions=grids, moment=moment)
        for grid in grids:
            sub = Where(region=grid)
            value = values[grid.path]
            regions.append(
                {
                    "code": grid.code,
                    "name": grid.name,
                    "boundary": grid.boundary,
                    "value": value,
                    "url": records_link(indicator.code, sub, day),
                    "label": "—" if value is None else f"{value}{localized(indicator, 'unit')}",
                }
            )
    values = [r["value"] for r in regions if isinstance(r["value"], int)]
    return {
        "unit": localized(indicator, "unit"),
        "value_label": localized(indicator, "name"),
        "min": 0,
        "max": max(values + [1]),
        "regions": regions,
    }
