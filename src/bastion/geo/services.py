"""Writes to the region tree. Every change goes through here, in a transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.geo.codes import CodeError, check_code
from bastion.geo.models import CHILD_LEVELS, Household, Level, Region


def region_path_for(code: str, parent: Region | None) -> str:
    return f"{parent.path if parent else ''}{code}/"


def region_create(
    *,
    code: str,
    name: str,
    level: str,
    parent: Region | None,
    boundary: dict | None = None,
    centroid: tuple[float, float] | None = None,
) -> Region:
    """Create a region under `parent`, checking level order and code nesting."""
    if parent is None and level != Level.COUNTY:
        raise ValidationError(_("only a county can be a root region"))
    if parent is not None and Level(level) not in CHILD_LEVELS[Level(parent.level)]:
        raise ValidationError(
            _("a %(child)s cannot sit under a %(parent)s")
            % {"child": level, "parent": parent.level}
        )
    try:
        check_code(code, level, parent.code if parent else None, parent.level if parent else None)
    except CodeError as exc:
        raise ValidationError(str(exc)) from exc
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
    return region


def household_create(*, grid: Region, label: str, building=None, address=None) -> Household:
    """Create a household in a grid."""
    if grid.level != Level.GRID:
        raise ValidationError(_("a household must belong to a grid"))
    household = Household(
        region=grid, path=grid.path, label=label.strip(), building=building, address=address
    )
    household.full_clean()
    with transaction.atomic():
        household.save()
    return household
