"""Units for pickers: the units the user's levels address, grouped (towns; the villages and
communities of each town; organizations; teams), and the county a user configures for."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import region_paths
from bastion.command.units import Unit, org_unit, region_unit, team_unit, units_below
from bastion.geo.models import LEVEL_RANK, Region


def target_groups(issuers: list[Unit]) -> tuple[list[dict], list[Unit]]:
    """([{"label", "units": [Unit]}], every unit) for the issuers' pickers."""
    seen: dict[str, Unit] = {}
    towns: list[Unit] = []
    by_town: dict[str, list[Unit]] = {}
    orgs: list[Unit] = []
    teams: list[Unit] = []
    for issuer in issuers:
        regions, organizations, team_rows = units_below(issuer)
        for region in regions:
            unit = region_unit(region)
            if unit.key in seen:
                continue
            seen[unit.key] = unit
            if LEVEL_RANK[region.level] == 1:
                towns.append(unit)
            else:
                parent_path = region.path[: region.path.rstrip("/").rfind("/") + 1]
                by_town.setdefault(parent_path, []).append(unit)
        for org in organizations:
            unit = org_unit(org)
            if unit.key not in seen:
                seen[unit.key] = unit
                orgs.append(unit)
        for team in team_rows:
            unit = team_unit(team)
            if unit.key not in seen:
                seen[unit.key] = unit
                teams.append(unit)
    groups: list[dict] = []
    if towns:
        groups.append({"label": _("镇街"), "units": towns, "open": True})
    town_names = {u.region_path: u.name for u in towns}
    for path, units in by_town.items():
        name = town_names.get(path, "")
        label = _("%(town)s的村、社区") % {"town": name} if name else _("村、社区")
        groups.append({"label": label, "units": units, "open": not towns})
    if orgs:
        groups.append({"label": _("党组织"), "units": orgs, "open": not towns})
    if teams:
        groups.append({"label": _("队伍"), "units": teams, "open": False})
    return groups, list(seen.values())


def county_region(user) -> Region:
    """The top region of the user's DAILY_FORM grants (the county, for the county command)."""
    paths = region_paths(user, Perm.DAILY_FORM)
    qs = Region.objects.all()
    region = (
        qs.filter(parent__isnull=True).order_by("path").first()
        if paths is None
        else qs.filter(path__in=paths).order_by("path").first()
    )
    if region is None:
        raise PermissionDenied
    return region
