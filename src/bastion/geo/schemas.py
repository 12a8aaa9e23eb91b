"""API shapes of the region tree. Sequential ids never leave the server."""

from __future__ import annotations

from uuid import UUID

from ninja import Schema

from bastion.geo.models import Level


def _codes(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


class RegionOut(Schema):
    public_id: UUID
    code: str
    name: str
    level: str
    level_name: str
    parent_code: str | None
    path: str
    depth: int
    centroid_lng: float | None
    centroid_lat: float | None

    @staticmethod
    def resolve_level_name(obj) -> str:
        return str(Level(obj.level).label)

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        codes = _codes(obj.path)  # from the path: no query for the parent
        return codes[-2] if len(codes) > 1 else None


class RegionDetailOut(RegionOut):
    boundary: dict | None


class RegionCreateIn(Schema):
    code: str
    name: str
    level: str
    parent: str | None = None  # the parent's code; only a county has none
    boundary: dict | None = None  # GeoJSON Polygon
    centroid_lng: float | None = None
    centroid_lat: float | None = None


class RegionPatchIn(Schema):
    name: str | None = None
    boundary: dict | None = None
    centroid_lng: float | None = None
    centroid_lat: float | None = None


class HouseholdOut(Schema):
    public_id: UUID
    label: str
    grid_code: str
    building: str | None
    address: str | None
    member_count: int

    @staticmethod
    def resolve_grid_code(obj) -> str:
        return _codes(obj.path)[-1]

    @staticmethod
    def resolve_building(obj) -> str | None:
        return obj.building.name if obj.building_id else None

    @staticmethod
    def resolve_address(obj) -> str | None:
        return obj.address.text if obj.address_id else None

    @staticmethod
    def resolve_member_count(obj) -> int:
        return getattr(obj, "member_count", 0)
