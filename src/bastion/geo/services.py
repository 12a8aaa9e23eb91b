"""Writes to the region tree. Every change goes through here, in a transaction."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.audit import Action, audit_record
from bastion.geo.codes import CodeError, check_code
from bastion.geo.models import CHILD_LEVELS, Household, Level, Region


def region_path_for(code: str, parent: Region | None) -> str:
    return f"{parent.path if parent else ''}{code}/"


def _position(point: object) -> tuple[float, float]:
    if (
        not isinstance(point, (list, tuple))
        or len(point) < 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in point[:2])
    ):
        raise ValidationError(_("边界坐标应为[经度, 纬度]数字对"))
    lng, lat = float(point[0]), float(point[1])
    if not (math.isfinite(lng) and math.isfinite(lat)) or not (
        -180 <= lng <= 180 and -90 <= lat <= 90
    ):
        raise ValidationError(_("边界坐标超出经纬度范围"))
    return lng, lat


def boundary_clean(boundary: object) -> dict:
    """Check a GeoJSON Polygon (closed rings of at least 4 positions); return it normalized."""
    if not isinstance(boundary, dict) or boundary.get("type") != "Polygon":
        raise ValidationError(_("边界应为GeoJSON多边形（Polygon）"))
    rings = boundary.get("coordinates")
    if not isinstance(rings, list) or not rings:
        raise ValidationError(_("边界多边形缺少坐标"))
    clean_rings = []
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(_("边界多边形的每个环至少需要4个坐标点"))
        points = [_position(p) for p in ring]
        if points[0] != points[-1]:
            raise ValidationError(_("边界多边形未闭合：首尾坐标应相同"))
        clean_rings.append([list(p) for p in points])
    return {"type": "Polygon", "coordinates": clean_rings}


def polygon_centroid(boundary: dict) -> tuple[float, float]:
    """Area centroid (lng, lat) of a Polygon's outer ring; the vertex mean if it has no area."""
    ring = [(float(p[0]), float(p[1])) for p in boundary["coordinates"][0]]
    area2 = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area2 += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area2) < 1e-15:
        points = ring[:-1] or ring
        return (
            sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points),
        )
    return cx / (3 * area2), cy / (3 * area2)


def region_check_placement(
    *, code: str, level: str, parent_code: str | None, parent_level: str | None
) -> None:
    """Raise ValidationError unless a `level` region with `code` may sit under the parent."""
    if level not in Level.values:
        raise ValidationError({"level": _("未知的区划级别")})
    if parent_level is None and level != Level.COUNTY:
        raise ValidationError({"parent": _("只有县级区划可以没有上级")})
    if parent_level is not None and Level(level) not in CHILD_LEVELS[Level(parent_level)]:
        raise ValidationError(
            {
                "level": _("级别错误：%(child)s不能直接位于%(parent)s之下")
                % {"child": Level(level).label, "parent": Level(parent_level).label}
            }
        )
    try:
        check_code(code, level, parent_code, parent_level)
    except CodeError as exc:
        raise ValidationError({"code": str(exc)}) from exc


def region_create(
    *,
    code: str,
    name: str,
    level: str,
    parent: Region | None,
    boundary: dict | None = None,
    centroid: tuple[float, float] | None = None,
    actor=None,
    audit: bool = True,
    ip_address: str | None = None,
) -> Region:
    """Create a region under `parent`, checking level order and code nesting.

    The centroid is computed from the boundary when not given. With an `actor` (and
    `audit`), the creation is audited; an import audits once for the whole file instead.
    """
    code = code.strip()
    region_check_placement(
        code=code,
        level=level,
        parent_code=parent.code if parent else None,
        parent_level=parent.level if parent else None,
    )
    if boundary is not None:
        boundary = boundary_clean(boundary)
        if centroid is None:
            centroid = polygon_centroid(boundary)
    region = Region(
        code=code,
        name=name.strip(),
        level=level,
        parent=parent,
        path=region_path_for(code, parent),
        depth=(parent.depth + 1) if parent else 0,
        boundary=boundary,
        centroid_lng=centroid[0] if centroid else None,
        centroid_lat=centroid[1] if centroid else None,
    )
    region.full_clean()
    with transaction.atomic():
        region.save()
        if actor is not None and audit:
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=region,
                changes={"code": [None, region.code], "name": [None, region.name]},
                ip_address=ip_address,
            )
    return region


def region_update(
    *,
    actor,
    region: Region,
    name: str | None = None,
    boundary: dict | None = None,
    centroid: tuple[float, float] | None = None,
    audit: bool = True,
    ip_address: str | None = None,
) -> Region:
    """Rename a region or replace its boundary (None leaves a value as it is).

    A new boundary without a centroid recomputes the centroid. Code, level and parent
    do not change here: they define the path that every record below carries.
    """
    changes: dict[str, list] = {}
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationError({"name": _("名称不能为空")})
        if name != region.name:
            changes["name"] = [region.name, name]
            region.name = name
    if boundary is not None:
        boundary = boundary_clean(boundary)
        if boundary != region.boundary:
            changes["boundary"] = [bool(region.boundary), True]
            region.boundary = boundary
        if centroid is None:
            centroid = polygon_centroid(boundary)
    if centroid is not None and (region.centroid_lng, region.centroid_lat) != tuple(centroid):
        changes["centroid"] = [
            [region.centroid_lng, region.centroid_lat],
            [centroid[0], centroid[1]],
        ]
        region.centroid_lng, region.centroid_lat = centroid[0], centroid[1]
    if not changes:
        return region
    region.full_clean()
    with transaction.atomic():
        region.save()
        if actor is not None and audit:
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                obj=region,
                changes=changes,
                ip_address=ip_address,
            )
    return region


def household_create(*, grid: Region, label: str, building=None, address=None) -> Household:
    """Create a household in a grid."""
    if grid.level != Level.GRID:
        raise ValidationError(_("户必须属于网格"))
    household = Household(
        region=grid, path=grid.path, label=label.strip(), building=building, address=address
    )
    household.full_clean()
    with transaction.atomic():
        household.save()
    return household
