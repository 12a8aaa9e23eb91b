"""Reads about places: the rules in force at a region, a path's community, coordinates."""

from __future__ import annotations

from bastion.geo.models import Level, Region
from bastion.volunteers.models import VolunteerRules
from bastion.volunteers.rules import Rules

COMMUNITY_LEVELS = (Level.COMMUNITY, Level.VILLAGE)


def ancestor_paths(path: str) -> list[str]:
    """ "a/b/c/" -> ["a/", "a/b/", "a/b/c/"]."""
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def rules_for(path: str) -> Rules:
    """The rules of the nearest region at or above `path` that set its own; else defaults."""
    row = (
        VolunteerRules.objects.filter(path__in=ancestor_paths(path))
        .order_by("-path")  # a longer path (nearer region) sorts after its prefix
        .first()
    )
    if row is None:
        return Rules()
    return Rules(
        allow_residents=row.allow_residents,
        cancel_deadline_hours=row.cancel_deadline_hours,
        minutes_per_point=row.minutes_per_point,
        points_per_unit=row.points_per_unit,
        public_requests=row.public_requests,
        source_path=row.path,
    )


def community_of(path: str) -> Region | None:
    """The village or community at or above `path` (None above that level)."""
    return (
        Region.objects.filter(path__in=ancestor_paths(path), level__in=COMMUNITY_LEVELS)
        .order_by("-path")
        .first()
    )


def place_coordinates(region: Region) -> tuple[float | None, float | None]:
    """(lat, lng) of the region's centroid, or of its nearest ancestor that has one."""
    if region.centroid_lat is not None and region.centroid_lng is not None:
        return region.centroid_lat, region.centroid_lng
    found = (
        Region.objects.filter(
            path__in=ancestor_paths(region.path),
            centroid_lat__isnull=False,
            centroid_lng__isnull=False,
        )
        .order_by("-path")
        .values_list("centroid_lat", "centroid_lng")
        .first()
    )
    return found if found else (None, None)
