"""Region services: placement rules, boundaries and centroids, updates with audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bastion.core.models import AuditEntry
from bastion.geo.services import polygon_centroid, region_create, region_update

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]],
}


def test_centroid_of_a_square_is_its_middle():
    assert polygon_centroid(SQUARE) == pytest.approx((1.0, 1.0))


def test_centroid_of_a_degenerate_ring_is_the_vertex_mean():
    line = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [4, 0], [0, 0]]]}
    assert polygon_centroid(line) == pytest.approx((2.0, 0.0))


def test_centroid_ignores_ring_orientation():
    clockwise = {"type": "Polygon", "coordinates": [SQUARE["coordinates"][0][::-1]]}
    assert polygon_centroid(clockwise) == pytest.approx((1.0, 1.0))


def test_only_a_county_may_be_a_root(db):
    with pytest.raises(ValidationError):
        region_create(code="430121001000", name="星沙", level="town", parent=None)


def test_a_grid_cannot_sit_under_a_town(county):
    with pytest.raises(ValidationError) as info:
        region_create(code="430121001000001", name="x", level="grid", parent=county.town_a)
    assert "level" in info.value.message_dict


def test_region_create_audits_when_given_an_actor(county):
    region_create(
        code="430121001001003",
        name="第三网格",
        level="grid",
        parent=county.community_a1,
        actor=county.town,
    )
    assert AuditEntry.objects.filter(action="create", object_type="geo.region").count() == 1


def test_region_update_renames_and_recomputes_the_centroid(county):
    grid = county.grid_a1_2
    region_update(actor=county.town, region=grid, name=" 新名字 ", boundary=SQUARE)
    grid.refresh_from_db()
    assert grid.name == "新名字"
    assert (grid.centroid_lng, grid.centroid_lat) == pytest.approx((1.0, 1.0))
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes["name"] == ["松雅第二网格", "新名字"]


def test_region_update_without_changes_writes_nothing(county):
    grid = county.grid_a1_2
    stamp = grid.updated_at
    region_update(actor=county.town, region=grid, name=grid.name)
    grid.refresh_from_db()
    assert grid.updated_at == stamp
    assert not AuditEntry.objects.exists()


def test_region_update_rejects_an_empty_name_and_a_bad_boundary(county):
    with pytest.raises(ValidationError):
        region_update(actor=county.town, region=county.grid_a1_2, name="  ")
    with pytest.raises(ValidationError):
        region_update(actor=county.town, region=county.grid_a1_2, boundary={"type": "Polygon"})
