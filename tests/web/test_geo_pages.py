"""Home, region browser and grid page: scoping, masking, counts, empty states."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bastion.geo.models import Level
from bastion.geo.services import household_create, region_create
from bastion.geo.views import boundary_svg
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def full_id(person) -> str:
    from bastion.people.identity import reveal_id_number

    return reveal_id_number(person)


# --- Home -------------------------------------------------------------------------


def test_home_requires_login(client):
    response = client.get(reverse("geo:home"))
    assert response.status_code == 302


def test_gridworker_home_shows_her_grid_and_figures(county, login):
    response = login(county.gridworker).get(reverse("geo:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "松雅第一网格" in body
    assert "黄兴" not in body
    figures = response.context["figures"]
    assert figures == {"grids": 1, "households": 1, "people": 2}


def test_county_auditor_home_shows_the_county(county, login):
    response = login(county.auditor).get(reverse("geo:home"))
    assert [r.code for r in response.context["roots"]] == ["430121000000"]
    assert response.context["figures"]["people"] == 4


def test_nobody_home_shows_empty_state(county, login):
    response = login(county.nobody).get(reverse("geo:home"))
    assert response.status_code == 200
    assert "你还没有负责的区域" in response.content.decode()


# --- Region browser ---------------------------------------------------------------


def test_town_officer_sees_children_with_counts(county, login):
    response = login(county.town).get(reverse("geo:region", args=[county.town_a.code]))
    assert response.status_code == 200
    children = list(response.context["children"])
    assert [c.code for c in children] == [county.community_a1.code]
    assert children[0].people_count == 3
    assert children[0].household_count == 2
    crumbs = [a.code for a in response.context["ancestors"]]
    assert crumbs == [county.county.code]


def test_county_page_lists_only_visible_children_for_gridworker(county, login):
    response = login(county.gridworker).get(reverse("geo:region", args=[county.county.code]))
    assert response.status_code == 200
    assert [c.code for c in response.context["children"]] == [county.town_a.code]
    assert "黄兴镇" not in response.content.decode()


@pytest.mark.parametrize(
    "attr", ["town_a", "community_a1", "grid_a1_1", "grid_a1_2"], ids=lambda a: a
)
def test_outsider_gets_404_for_town_a_regions(county, login, attr):
    client = login(county.outsider)
    code = getattr(county, attr).code
    assert client.get(reverse("geo:region", args=[code])).status_code == 404


def test_outsider_gets_404_for_town_a_grid_url(county, login):
    client = login(county.outsider)
    assert client.get(reverse("geo:grid", args=[county.grid_a1_1.code])).status_code == 404


def test_unknown_region_is_404(county, login):
    assert login(county.auditor).get(reverse("geo:region", args=["999"])).status_code == 404


def test_grid_url_for_a_community_is_404(county, login):
    response = login(county.auditor).get(reverse("geo:grid", args=[county.community_a1.code]))
    assert response.status_code == 404


def test_region_search_within_subtree(county, login):
    client = login(county.auditor)
    response = client.get(reverse("geo:region", args=[county.town_a.code]), {"q": "网格"})
    codes = [r.code for r in response.context["results"]]
    assert codes == [county.grid_a1_1.code, county.grid_a1_2.code]


def test_region_search_only_visible_regions(county, login):
    response = login(county.outsider).get(reverse("geo:regions"), {"q": "网格"})
    assert [r.code for r in response.context["results"]] == [county.grid_b1_1.code]
    assert "松雅" not in response.content.decode()


def test_region_search_empty_state(county, login):
    response = login(county.auditor).get(reverse("geo:regions"), {"q": "不存在的地方"})
    assert "没有找到" in response.content.decode()


def test_region_page_empty_state_for_childless_region(county, login):
    lonely = region_create(code="430121003000", name="空镇", level=Level.TOWN, parent=county.county)
    response = login(county.auditor).get(reverse("geo:region", args=[lonely.code]))
    assert "这里没有你可以查看的下级区域" in response.content.decode()


def test_region_children_query_count_is_pinned(county, login, django_assert_max_num_queries):
    client = login(county.auditor)
    for n in range(3, 13):
        region_create(
            code=f"430121001{n:03d}", name=f"社区{n}", level=Level.COMMUNITY, parent=county.town_a
        )
    client.get(reverse("geo:region", args=[county.town_a.code]))  # warm the session
    with django_assert_max_num_queries(13):
        response = client.get(reverse("geo:region", args=[county.town_a.code]))
    assert len(response.context["children"]) == 11


# --- Grid page --------------------------------------------------------------------


def test_gridworker_sees_her_grid_with_masked_ids(county, login):
    response = login(county.gridworker).get(reverse("geo:region", args=[county.grid_a1_1.code]))
    assert response.status_code == 200
    body = response.content.decode()
    zhang = county.people["zhang"]
    assert "张建国" in body and "李秀英" in body
    assert zhang.id_number_masked in body
    assert full_id(zhang) not in body
    assert "13812341234" not in body
    assert zhang.phone_masked in body
    assert "<svg" in body and "<polygon" in body


def test_grid_page_lists_people_without_household(county, login):
    make_person(county.grid_a1_1, "孙无户")
    response = login(county.gridworker).get(reverse("geo:grid", args=[county.grid_a1_1.code]))
    assert [p.name for p in response.context["loners"]] == ["孙无户"]


def test_grid_page_empty_states(county, login):
    response = login(county.auditor).get(reverse("geo:grid", args=[county.grid_a1_2.code]))
    assert "没有未编入住户的人员" in response.content.decode()
    empty = region_create(
        code="430121001001003", name="空网格", level=Level.GRID, parent=county.community_a1
    )
    response = login(county.auditor).get(reverse("geo:grid", args=[empty.code]))
    assert "这个网格还没有登记住户" in response.content.decode()


def test_grid_page_query_count_is_pinned(county, login, django_assert_max_num_queries):
    for n in range(15):
        household = household_create(grid=county.grid_a1_1, label=f"3栋{n:02d}")
        make_person(county.grid_a1_1, f"住户{n}", household=household)
        make_person(county.grid_a1_1, f"家属{n}", household=household)
    client = login(county.gridworker)
    client.get(reverse("geo:grid", args=[county.grid_a1_1.code]))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("geo:grid", args=[county.grid_a1_1.code]))
    assert len(response.context["households"]) == 16


def test_teammember_cannot_open_grid(county, login):
    response = login(county.teammember).get(reverse("geo:grid", args=[county.grid_a1_2.code]))
    assert response.status_code == 404


# --- Boundary drawing -------------------------------------------------------------


def test_boundary_svg_projects_polygon_north_up():
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    drawn = boundary_svg(square)
    assert drawn is not None
    first = drawn["polygons"][0].split()[0]
    x, y = (float(v) for v in first.split(","))
    assert x == pytest.approx(8.0) and y == pytest.approx(308.0)  # south-west is bottom-left


@pytest.mark.parametrize(
    "bad",
    [None, {}, {"type": "Point", "coordinates": [1, 2]}, {"type": "Polygon", "coordinates": "x"}],
)
def test_boundary_svg_ignores_undrawable_shapes(bad):
    assert boundary_svg(bad) is None
