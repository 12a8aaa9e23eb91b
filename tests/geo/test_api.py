"""The region API under scoping: who sees, creates, changes and imports what."""

from __future__ import annotations

import pytest

from bastion.core.models import AuditEntry
from bastion.geo.models import Region
from tests.mixins import APIReadTests, APIUpdateTests, api_patch, api_post, items, table_file

REGIONS = "/api/v1/regions"


class TestRegionAPI(APIReadTests, APIUpdateTests):
    list_url = REGIONS
    persona = "gridworker"
    key_field = "code"
    list_max_queries = 10
    update_persona = "town"
    viewer_persona = "gridworker"
    update_payload = {"name": "松雅一网格（新）"}

    def detail_key(self, county) -> str:
        return county.grid_a1_1.code

    def visible_keys(self, county) -> set[str]:
        # her grid and the ancestors on the way down
        return {county.grid_a1_1.code, county.community_a1.code, county.county.code}

    def hidden_keys(self, county) -> set[str]:
        return {county.grid_a1_2.code, county.grid_b1_1.code, county.town_b.code}

    def updated_value(self, county):
        return Region.objects.get(pk=county.grid_a1_1.pk).name


def test_detail_by_public_id(county, api_login):
    response = api_login(county.town).get(f"{REGIONS}/{county.grid_a1_1.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == county.grid_a1_1.code
    assert body["parent_code"] == county.community_a1.code
    assert body["boundary"]["type"] == "Polygon"
    assert body["centroid_lng"] is not None
    assert "id" not in body


def test_missing_code_gets_404(county, api_login):
    assert api_login(county.command).get(f"{REGIONS}/430121009009").status_code == 404


def test_list_filters_by_level_parent_and_search(county, api_login):
    client = api_login(county.command)
    grids = {r["code"] for r in items(client.get(REGIONS, {"level": "网格"}))}
    assert grids == {county.grid_a1_1.code, county.grid_a1_2.code, county.grid_b1_1.code}
    children = {r["code"] for r in items(client.get(REGIONS, {"parent": county.town_a.code}))}
    assert children == {county.community_a1.code}
    found = {r["code"] for r in items(client.get(REGIONS, {"q": "黄兴"}))}
    assert found == {county.town_b.code, county.community_b1.code, county.grid_b1_1.code}
    within = {r["code"] for r in items(client.get(REGIONS, {"within": county.community_a1.code}))}
    assert within == {county.community_a1.code, county.grid_a1_1.code, county.grid_a1_2.code}


def test_list_is_paginated(county, api_login):
    response = api_login(county.command).get(REGIONS, {"page_size": 2, "page": 2})
    body = response.json()
    assert body["count"] == 8 and len(body["items"]) == 2


def test_unknown_level_filter_is_a_validation_error(county, api_login):
    response = api_login(county.command).get(REGIONS, {"level": "省"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_outsider_gets_404_filtering_by_a_parent_she_cannot_see(county, api_login):
    response = api_login(county.outsider).get(REGIONS, {"parent": county.town_a.code})
    assert response.status_code == 404


def test_list_query_count_does_not_grow_with_rows(county, api_login, django_assert_max_num_queries):
    from bastion.geo.services import region_create

    for n in range(3, 30):
        region_create(
            code=f"430121001001{n:03d}", name=f"网格{n}", level="grid", parent=county.community_a1
        )
    client = api_login(county.command)
    with django_assert_max_num_queries(10):
        assert len(items(client.get(REGIONS))) == 35


# --- create ---------------------------------------------------------------------

NEW_GRID = {"code": "430121001001003", "name": "松雅第三网格", "level": "grid", "parent": ""}


def new_grid(county, **extra):
    return {**NEW_GRID, "parent": county.community_a1.code, **extra}


def test_town_officer_creates_a_grid_in_her_town(county, api_login):
    square = {
        "type": "Polygon",
        "coordinates": [
            [[113.0, 28.0], [113.2, 28.0], [113.2, 28.2], [113.0, 28.2], [113.0, 28.0]]
        ],
    }
    response = api_post(api_login(county.town), REGIONS, new_grid(county, boundary=square))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["path"] == county.community_a1.path + "430121001001003/"
    assert body["centroid_lng"] == pytest.approx(113.1)
    entry = AuditEntry.objects.get(object_type="geo.region", action="create")
    assert entry.actor == county.town


def test_town_officer_cannot_create_a_town_under_the_county(county, api_login):
    payload = {"code": "430121009000", "name": "新镇", "level": "镇", "parent": county.county.code}
    response = api_post(api_login(county.town), REGIONS, payload)
    assert response.status_code == 403
    assert not Region.objects.filter(code="430121009000").exists()


def test_grid_worker_cannot_create_regions(county, api_login):
    response = api_post(api_login(county.gridworker), REGIONS, new_grid(county))
    assert response.status_code == 403


def test_outsider_gets_404_creating_under_a_parent_she_cannot_see(county, api_login):
    response = api_post(api_login(county.outsider), REGIONS, new_grid(county))
    assert response.status_code == 404
    assert not Region.objects.filter(code=NEW_GRID["code"]).exists()


def test_only_a_global_grant_creates_a_root(county, api_login):
    payload = {"code": "430122000000", "name": "望城区", "level": "county"}
    assert api_post(api_login(county.command), REGIONS, payload).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "430121002001009"}, "code"),  # does not nest
        ({"level": "village"}, "level"),  # a village under a community
        ({"code": "430121001001001"}, "code"),  # exists already
        ({"boundary": {"type": "Point", "coordinates": [1, 2]}}, "__all__"),
    ],
)
def test_invalid_create_is_a_422_with_field_errors(county, api_login, change, field):
    response = api_post(api_login(county.town), REGIONS, new_grid(county, **change))
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]


# --- update ---------------------------------------------------------------------


def test_update_renames_and_is_audited(county, api_login):
    client = api_login(county.community)
    response = api_patch(client, f"{REGIONS}/{county.grid_a1_2.code}", {"name": "二网格"})
    # the community officer holds no REGION_CHANGE; the town officer does
    assert response.status_code == 403
    response = api_patch(
        api_login(county.town), f"{REGIONS}/{county.grid_a1_2.code}", {"name": "二网格"}
    )
    assert response.status_code == 200
    assert response.json()["name"] == "二网格"
    entry = AuditEntry.objects.get(object_type="geo.region", action="update")
    assert entry.changes == {"name": ["松雅第二网格", "二网格"]}


# --- households -----------------------------------------------------------------


def test_grid_households_are_listed(county, api_login, django_assert_max_num_queries):
    client = api_login(county.gridworker)
    with django_assert_max_num_queries(10):
        response = client.get(f"{REGIONS}/{county.grid_a1_1.code}/households")
    rows = items(response)
    assert [(r["label"], r["member_count"], r["grid_code"]) for r in rows] == [
        ("1栋101", 2, county.grid_a1_1.code)
    ]


def test_households_of_a_community_cover_its_grids_in_scope(county, api_login):
    rows = items(
        api_login(county.community).get(f"{REGIONS}/{county.community_a1.code}/households")
    )
    assert {r["label"] for r in rows} == {"1栋101", "2栋201"}
    # the grid worker sees the community (an ancestor) but only her grid's households
    rows = items(
        api_login(county.gridworker).get(f"{REGIONS}/{county.community_a1.code}/households")
    )
    assert {r["label"] for r in rows} == {"1栋101"}


def test_outsider_gets_404_for_households_of_a_grid(county, api_login):
    response = api_login(county.outsider).get(f"{REGIONS}/{county.grid_a1_1.code}/households")
    assert response.status_code == 404


# --- import ---------------------------------------------------------------------

IMPORT_ROWS = [
    ["代码", "名称", "上级代码", "级别"],
    ["430121001001003", "松雅第三网格", "430121001001", "网格"],
    ["430121001002", "湘龙社区", "430121001000", "社区"],
]


def post_import(client, rows, **params):
    upload = table_file(rows, kind="xlsx", name="regions.xlsx")
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(f"{REGIONS}/import?{query}", {"file": upload})


def test_import_defaults_to_a_dry_run(county, api_login):
    response = post_import(api_login(county.command), IMPORT_ROWS)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] and not body["committed"]
    assert [p["action"] for p in body["preview"]] == ["create", "create"]
    assert not Region.objects.filter(code="430121001002").exists()


def test_import_writes_when_asked(county, api_login):
    body = post_import(api_login(county.command), IMPORT_ROWS, dry_run="false").json()
    assert body["committed"] and body["created"] == 2
    assert Region.objects.filter(code__in=["430121001002", "430121001001003"]).count() == 2
    assert AuditEntry.objects.filter(action="import", actor=county.command).count() == 1


def test_import_reports_row_errors(county, api_login):
    rows = [*IMPORT_ROWS, ["430121001003", "无名社区", "430121009000", "社区"]]
    body = post_import(api_login(county.command), rows, dry_run="false").json()
    assert not body["committed"]
    assert body["errors"] == [
        {"row": 4, "column": "上级代码", "message": body["errors"][0]["message"]}
    ]
    body = post_import(api_login(county.command), rows, dry_run="false", mode="valid_rows").json()
    assert body["committed"] and body["created"] == 2 and body["rejected"] == 1


def test_import_needs_the_import_permission(county, api_login):
    assert post_import(api_login(county.town), IMPORT_ROWS).status_code == 403


def test_outsider_cannot_import(county, api_login):
    response = post_import(api_login(county.outsider), IMPORT_ROWS, dry_run="false")
    assert response.status_code == 403
    assert not Region.objects.filter(code="430121001002").exists()


def test_import_of_a_broken_file_reports_a_file_error(county, api_login):
    import io

    junk = io.BytesIO(b"\x00\x01\x02junk")
    junk.name = "regions.csv"
    response = api_login(county.command).post(f"{REGIONS}/import", {"file": junk})
    assert response.status_code == 200
    assert response.json()["file_error"]


def test_anonymous_gets_401_for_import(client, county):
    upload = table_file(IMPORT_ROWS)
    assert client.post(f"{REGIONS}/import", {"file": upload}).status_code == 401
