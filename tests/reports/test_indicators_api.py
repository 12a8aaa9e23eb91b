"""GET /api/v1/indicators: definitions, scoped figures, and the masked records behind them."""

from __future__ import annotations

import pytest

from bastion.people.identity import reveal_id_number
from tests.conftest import make_person

API = "/api/v1/indicators"


def test_list_shows_registered_indicators_with_names_and_units(county, login):
    client = login(county.command)
    response = client.get(API)
    assert response.status_code == 200
    by_code = {i["code"]: i for i in response.json()}
    assert {"regions", "grids", "households", "people", "people_by_tag"} <= set(by_code)
    people = by_code["people"]
    assert people["name_zh"] == "实有人口" and people["name_en"] == "People"
    assert people["name"] == "实有人口" and people["unit"] == "人"
    assert people["description"]


def test_list_follows_the_request_language(county, login):
    client = login(county.command)
    response = client.get(API, headers={"accept-language": "en"})
    people = {i["code"]: i for i in response.json()}["people"]
    assert people["name"] == "People" and people["unit"] == "people"


def test_anonymous_caller_is_refused(client, county):
    assert client.get(API).status_code == 401
    assert client.get(f"{API}/people").status_code == 401


@pytest.mark.parametrize("persona", ["nobody", "teammember"])
def test_users_without_figures_see_no_indicators(county, login, persona):
    client = login(getattr(county, persona))
    assert client.get(API).json() == []
    assert client.get(f"{API}/people").status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("command", 4), ("town", 3), ("community", 3), ("gridworker", 2), ("outsider", 1)],
)
def test_people_figure_is_scoped_to_the_user(county, login, persona, expected):
    body = login(getattr(county, persona)).get(f"{API}/people").json()
    assert body["value"] == expected
    assert body["indicator"]["code"] == "people"
    assert body["region"] is None


def test_outsider_sees_only_town_b_figures(county, login):
    client = login(county.outsider)
    assert client.get(f"{API}/households").json()["value"] == 1
    records = client.get(f"{API}/people/records").json()
    assert [r["region_code"] for r in records["items"]] == [county.grid_b1_1.code]


def test_region_narrows_the_figure(county, login):
    client = login(county.command)
    assert client.get(f"{API}/people", {"region": county.town_a.code}).json()["value"] == 3
    body = client.get(f"{API}/people", {"region": county.town_b.code}).json()
    assert body["value"] == 1
    assert body["region"] == {"code": county.town_b.code, "name": "黄兴镇", "level": "town"}


def test_outsider_gets_404_for_a_region_outside_scope(county, login):
    client = login(county.outsider)
    for url in (f"{API}/people", f"{API}/people/records"):
        response = client.get(url, {"region": county.town_a.code})
        assert response.status_code == 404
    assert client.get(f"{API}/people", {"region": county.town_b.code}).status_code == 200


def test_unknown_region_or_indicator_is_404(county, login):
    client = login(county.command)
    assert client.get(f"{API}/people", {"region": "430121999000"}).status_code == 404
    assert client.get(f"{API}/no_such_thing").status_code == 404
    assert client.get(f"{API}/no_such_thing/records").status_code == 404


def test_breakdown_lists_people_by_tag(county, login):
    body = login(county.command).get(f"{API}/people_by_tag").json()
    assert body["value"] == 1
    breakdown = {b["code"]: b["value"] for b in body["breakdown"]}
    assert breakdown["elderly_alone"] == 1
    outsider = login(county.outsider).get(f"{API}/people_by_tag").json()
    assert outsider["value"] == 0


def test_as_of_a_past_date_counts_nothing_created_later(county, login):
    client = login(county.command)
    assert client.get(f"{API}/people", {"as_of": "2019-12-31"}).json()["value"] == 0
    assert client.get(f"{API}/people/records", {"as_of": "2019-12-31"}).json()["count"] == 0
    assert client.get(f"{API}/people", {"as_of": "not-a-date"}).status_code == 422


def test_records_are_masked_and_carry_public_ids_only(county, login):
    response = login(county.command).get(f"{API}/people/records")
    body = response.json()
    assert body["count"] == 4
    names = sorted(r["name"] for r in body["items"])
    assert names == sorted(["张**", "李**", "王**", "赵**"])
    public_ids = {str(p.public_id) for p in county.people.values()}
    assert {r["public_id"] for r in body["items"]} == public_ids
    raw = response.content.decode()
    for person in county.people.values():
        number = reveal_id_number(person)
        assert number not in raw and person.id_number_masked not in raw
        assert person.name not in raw
    assert '"id"' not in raw


def test_region_records_show_codes(county, login):
    body = login(county.command).get(f"{API}/grids/records").json()
    codes = sorted(r["code"] for r in body["items"])
    assert codes == sorted([county.grid_a1_1.code, county.grid_a1_2.code, county.grid_b1_1.code])


def test_records_are_paginated(county, login):
    body = login(county.command).get(f"{API}/people/records", {"page_size": 3}).json()
    assert body["count"] == 4 and len(body["items"]) == 3
    page2 = login(county.command).get(f"{API}/people/records", {"page": 2, "page_size": 3}).json()
    assert len(page2["items"]) == 1


def test_records_list_query_count_is_pinned(county, login, django_assert_max_num_queries):
    # 5 for session, user, TOTP device and grants; 3 for the session's activity stamp;
    # then one page query and one count, however many records there are.
    client = login(county.command)
    client.get(f"{API}/people/records")  # warm up session and caches
    with django_assert_max_num_queries(10):
        response = client.get(f"{API}/people/records")
    assert response.json()["count"] == 4
    with django_assert_max_num_queries(11):  # + the region lookup
        response = client.get(f"{API}/households/records", {"region": county.town_a.code})
    assert response.json()["count"] == 2


def test_records_selector_does_not_grow_with_records(county, django_assert_num_queries):
    from bastion.reports.selectors import indicator_records

    for n in range(30):
        make_person(county.grid_a1_2, f"新人{n}")
    rows = indicator_records(user=county.town, code="people")
    with django_assert_num_queries(2):  # one page query and one count, no per-row queries
        page = rows[0:50]
        assert rows.count() == 33
    assert len(page) == 33 and all(r.region_code for r in page)
