"""Units: who a directive, notice or incident is addressed to, and who acts for one.

A unit is a region (town, subdistrict, village, community, or the county as an issuer),
a party organization or a team. Its key names it in forms and the API:
"region:<division code>", "org:<organization code>", "team:<team public id>".

A user *acts for* a unit when the unit lies in their grants for the permission: a region
grant for a region unit, an organization grant for an organization or team. A user
*answers for* a target unit when they act for it but not for the level that issued the
record: only they mark it read, acknowledge it, report progress and completion, so the
issuing level can never answer in a unit's place.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from bastion.access.roles import ROLE_PERMISSIONS, Perm
from bastion.access.scoping import org_paths_for, region_paths
from bastion.command.models import UnitKind
from bastion.geo.models import LEVEL_RANK, Level, Region
from bastion.party.models import Organization, Team

# Regions that can be addressed as units (grids are places, not units).
UNIT_LEVELS = (Level.TOWN, Level.SUBDISTRICT, Level.VILLAGE, Level.COMMUNITY)
ISSUER_LEVELS = (Level.COUNTY, Level.TOWN, Level.SUBDISTRICT)


@dataclass(frozen=True)
class Unit:
    kind: str
    key: str
    name: str
    region_path: str
    org_path: str
    region: Region | None = None
    organization: Organization | None = None
    team: Team | None = None

    def target_columns(self) -> dict:
        """Field values of an `AddressedToUnit` row for this unit."""
        return {
            "unit_kind": self.kind,
            "region": self.region,
            "organization": self.organization,
            "team": self.team,
            "unit_key": self.key,
            "unit_name": self.name[:150],
            "region_path": self.region_path,
            "org_path": self.org_path,
        }

    def issuer_columns(self) -> dict:
        """Field values of an `IssuedByUnit` record issued by this unit."""
        return {
            "issuer_kind": self.kind,
            "issuer_region": self.region,
            "issuer_org": self.organization,
            "issuer_key": self.key,
            "issuer_name": self.name[:150],
            "region_path": self.region_path,
            "org_path": self.org_path,
        }


def region_unit(region: Region) -> Unit:
    return Unit(UnitKind.REGION, f"region:{region.code}", region.name, region.path, "", region)


def org_unit(org: Organization) -> Unit:
    return Unit(
        UnitKind.ORGANIZATION,
        f"org:{org.code}",
        org.name,
        org.region_path,
        org.path,
        organization=org,
    )


def team_unit(team: Team) -> Unit:
    return Unit(
        UnitKind.TEAM,
        f"team:{team.public_id}",
        team.name,
        team.region_path,
        team.org_path,
        team=team,
    )


def unit_from_key(key: str, *, field: str = "targets") -> Unit:
    """The unit a key names; ValidationError (on `field`) when it names nothing."""
    kind, _sep, ref = (key or "").strip().partition(":")
    unit = None
    if kind == "region" and ref:
        region = Region.objects.filter(code=ref).first()
        unit = region_unit(region) if region is not None else None
    elif kind == "org" and ref:
        org = Organization.objects.filter(code=ref).first()
        unit = org_unit(org) if org is not None else None
    elif kind == "team" and ref:
        try:
            team = Team.objects.filter(public_id=uuid.UUID(ref)).first()
        except ValueError:
            team = None
        unit = team_unit(team) if team is not None else None
    if unit is None:
        raise ValidationError({field: [_("单位不存在：%(key)s") % {"key": key[:80]}]})
    return unit


def stored_unit(record, prefix: str = "") -> Unit:
    """The unit named by a record's stored columns (target columns, or issuer_* / handler_*)."""
    if prefix in ("issuer", "handler"):
        kind = getattr(record, f"{prefix}_kind")
        region_path = getattr(
            record, "region_path" if prefix == "issuer" else "handler_region_path"
        )
        org_path = getattr(record, "org_path" if prefix == "issuer" else "handler_org_path")
        return Unit(
            kind,
            getattr(record, f"{prefix}_key"),
            getattr(record, f"{prefix}_name"),
            region_path,
            org_path,
        )
    return Unit(
        record.unit_kind, record.unit_key, record.unit_name, record.region_path, record.org_path
    )


# --- Acting for units ---------------------------------------------------------------------


def _startswith_any(field_name: str, prefixes: Iterable[str]) -> Q:
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(**{f"{field_name}__startswith": prefix})
    return q


def acts_for(user, perm: str, *, kind: str, region_path: str, org_path: str) -> bool:
    """Does the unit lie in the user's grants for `perm` (region grant for a region unit,
    organization grant for an organization or team)?"""
    if kind == UnitKind.REGION:
        paths = region_paths(user, perm)
        return paths is None or any(region_path.startswith(p) for p in paths if region_path)
    paths = org_paths_for(user, perm)
    return paths is None or any(org_path.startswith(p) for p in paths if org_path)


def acts_for_unit(user, perm: str, unit: Unit) -> bool:
    return acts_for(
        user, perm, kind=unit.kind, region_path=unit.region_path, org_path=unit.org_path
    )


def answers_for(user, target: Unit, issuer: Unit, perm: str = Perm.COMMAND_VIEW) -> bool:
    """Acts for the target unit and not for the issuing level."""
    return acts_for_unit(user, perm, target) and not acts_for_unit(user, perm, issuer)


def acts_for_q(user, perm: str, prefix: str = "", kind_field: str = "unit_kind") -> Q | None:
    """Rows (whose unit columns start with `prefix`) of units the user acts for; None: all."""
    regions = region_paths(user, perm)
    orgs = org_paths_for(user, perm)
    if regions is None or orgs is None:
        return None
    return (
        Q(**{f"{prefix}{kind_field}": UnitKind.REGION})
        & _startswith_any(f"{prefix}region_path", regions)
    ) | (
        ~Q(**{f"{prefix}{kind_field}": UnitKind.REGION})
        & _startswith_any(f"{prefix}org_path", orgs)
    )


def visible_q(
    user, perm: str, *, region_field: str = "region_path", org_field: str = "org_path"
) -> Q | None:
    """`access.scoping.restrict_by_org_or_region` as a Q (to combine with others); None: all."""
    regions = region_paths(user, perm)
    orgs = org_paths_for(user, perm)
    if regions is None or orgs is None:
        return None
    return _startswith_any(org_field, orgs) | _startswith_any(region_field, regions)


def _covers(grant, unit: Unit) -> bool:
    if unit.kind == UnitKind.REGION:
        return bool(grant.region_path) and unit.region_path.startswith(grant.region_path)
    return bool(grant.org_path) and unit.org_path.startswith(grant.org_path)


def users_answering(
    units: Iterable[Unit], *, perm: str = Perm.COMMAND_VIEW, issuer: Unit | None = None
) -> dict[str, list]:
    """unit key -> the active users who answer for it (act for it with `perm` and not for
    `issuer`), for notifications. One query for any number of units."""
    from bastion.access.models import RoleAssignment

    roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    grants = list(
        RoleAssignment.objects.filter(user__is_active=True, role__in=roles).select_related("user")
    )
    above = {g.user_id for g in grants if issuer is not None and _covers(g, issuer)}
    found: dict[str, list] = {}
    for unit in units:
        users = {g.user_id: g.user for g in grants if g.user_id not in above and _covers(g, unit)}
        found[unit.key] = sorted(users.values(), key=lambda u: u.pk)
    return found


def unit_users(unit: Unit, *, perm: str = Perm.COMMAND_VIEW, issuer: Unit | None = None) -> list:
    """Active users who answer for one unit (see `users_answering`)."""
    return users_answering([unit], perm=perm, issuer=issuer)[unit.key]


def parent_unit(unit: Unit) -> Unit | None:
    """The unit one level up (by path), or None at the top of its tree."""
    path = unit.region_path if unit.kind == UnitKind.REGION else unit.org_path
    head = path.rstrip("/").rpartition("/")[0]
    if not head.strip("/"):
        return None
    parent_path = head + "/"
    if unit.kind == UnitKind.REGION:
        return Unit(UnitKind.REGION, "", "", parent_path, "")
    return Unit(UnitKind.ORGANIZATION, "", "", "", parent_path)


def own_users(unit: Unit, *, perm: str = Perm.COMMAND_VIEW) -> list:
    """Users of the unit itself: they act for it but not for the unit above it."""
    return users_answering([unit], perm=perm, issuer=parent_unit(unit))[unit.key]


# --- Which units a user may issue from and address ----------------------------------------


def issuing_units(user, perm: str = Perm.DIRECTIVE_ISSUE) -> list[Unit]:
    """The levels the user may issue from: the regions (county, town) at her region grants
    and the organizations at her organization grants for `perm`."""
    regions = region_paths(user, perm)
    orgs = org_paths_for(user, perm)
    region_qs = Region.objects.filter(level__in=ISSUER_LEVELS)
    org_qs = Organization.objects.all()
    if regions is None or orgs is None:
        region_qs = region_qs.filter(parent__isnull=True)
        org_qs = org_qs.filter(parent__isnull=True)
    else:
        region_qs = region_qs.filter(path__in=regions)
        org_qs = org_qs.filter(path__in=orgs)
    return [region_unit(r) for r in region_qs.order_by("path")] + [
        org_unit(o) for o in org_qs.order_by("path")
    ]


def issuing_unit(user, key: str, perm: str = Perm.DIRECTIVE_ISSUE) -> Unit:
    """One of the user's issuing levels by key; ValidationError when it is not hers."""
    for unit in issuing_units(user, perm):
        if unit.key == key:
            return unit
    raise ValidationError({"issuer": [_("请选择以哪一级的名义下发")]})


def units_below(issuer: Unit):
    """(regions, organizations, teams) querysets a level may address.

    A region level addresses the towns, villages and communities below it and the
    organizations and teams sitting in its area; an organization addresses the
    organizations and teams of its subtree.
    """
    if issuer.kind == UnitKind.REGION:
        regions = Region.objects.filter(
            path__startswith=issuer.region_path, level__in=UNIT_LEVELS
        ).exclude(path=issuer.region_path)
        orgs = Organization.objects.filter(region_path__startswith=issuer.region_path)
        teams = Team.objects.filter(region_path__startswith=issuer.region_path)
    else:
        regions = Region.objects.none()
        orgs = Organization.objects.filter(path__startswith=issuer.org_path).exclude(
            path=issuer.org_path
        )
        teams = Team.objects.filter(org_path__startswith=issuer.org_path)
    open_orgs = orgs.filter(closed_on__isnull=True)
    return (
        regions.order_by("path"),
        open_orgs.order_by("path"),
        teams.filter(disbanded_on__isnull=True).order_by("org_path", "name"),
    )


def is_below(issuer: Unit, unit: Unit) -> bool:
    """Does `issuer` address `unit` (the one-unit form of `units_below`)?"""
    if issuer.kind == UnitKind.REGION:
        if unit.kind == UnitKind.REGION:
            return (
                unit.region_path.startswith(issuer.region_path)
                and unit.region_path != issuer.region_path
                and unit.region is not None
                and unit.region.level in UNIT_LEVELS
            )
        return bool(unit.region_path) and unit.region_path.startswith(issuer.region_path)
    if unit.kind == UnitKind.REGION or not unit.org_path.startswith(issuer.org_path):
        return False
    # An organization strictly below the issuer; a team of the issuer itself or below.
    return unit.kind == UnitKind.TEAM or unit.org_path != issuer.org_path


def resolve_targets(issuer: Unit, keys: Iterable[str], *, field: str = "targets") -> list[Unit]:
    """The distinct units named by `keys`, each one the issuer may address."""
    units: dict[str, Unit] = {}
    for key in keys:
        key = (key or "").strip()
        if not key or key in units:
            continue
        unit = unit_from_key(key, field=field)
        if not is_below(issuer, unit):
            raise ValidationError(
                {
                    field: [
                        _("%(unit)s 不在 %(issuer)s 的下发范围内")
                        % {"unit": unit.name, "issuer": issuer.name}
                    ]
                }
            )
        units[unit.key] = unit
    if not units:
        raise ValidationError({field: [_("请至少选择一个接收单位")]})
    return list(units.values())


def receiving_region(place: Region, grade: str) -> Region:
    """The level that receives an incident of `grade` at `place`: the deepest region on the
    way from the county down to `place` whose rank is at most the grade's rank."""
    from bastion.command.models import RECEIVING_RANK

    rank = RECEIVING_RANK[grade]
    codes = [c for c in place.path.split("/") if c]
    chain = {r.code: r for r in Region.objects.filter(code__in=codes)}
    chosen = place
    for code in codes:
        region = chain.get(code)
        if region is not None and LEVEL_RANK[region.level] <= rank:
            chosen = region
    return chosen
