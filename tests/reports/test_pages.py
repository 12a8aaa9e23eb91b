"""/reports/: the figures for the user's scope, each linking to the records behind it."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import make_person


def test_reports_page_lists_figures_with_links_to_records(county, login):
    response = login(county.command).get(reverse("reports:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "实有人口" in html and "户数" in html
    assert reverse("reports:records", args=["people"]) in html
    values = {row["value"].indicator.code: row["value"].value for row in response.context["rows"]}
    assert values["people"] == 4 and values["households"] == 3


def test_reports_page_is_scoped_for_the_outsider(county, login):
    response = login(county.outsider).get(reverse("reports:index"))
    values = {row["value"].indicator.code: row["value"].value for row in response.context["rows"]}
    assert values["people"] == 1 and values["households"] == 1


def test_outsider_gets_404_for_reports_of_a_region_outside_scope(county, login):
    client = login(county.outsider)
    url = reverse("reports:index")
    assert client.get(url, {"region": county.town_a.code}).status_code == 404
    records = reverse("reports:records", args=["people"])
    assert client.get(records, {"region": county.town_a.code}).status_code == 404
    assert client.get(url, {"region": county.town_b.code}).status_code == 200


def test_region_narrows_the_page_and_links_keep_the_filter(county, login):
    response = login(county.command).get(reverse("reports:index"), {"region": county.town_b.code})
    values = {row["value"].indicator.code: row["value"].value for row in response.context["rows"]}
    assert values["people"] == 1
    assert f"region={county.town_b.code}" in response.content.decode()


def test_records_page_shows_masked_rows(county, login):
    response = login(county.command).get(reverse("reports:records", args=["people"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "张**" in html and "张建国" not in html
    assert county.people["zhang"].id_number_masked not in html


def test_records_page_is_paginated(county, login):
    for n in range(55):
        make_person(county.grid_a1_1, f"测试{n}")
    client = login(county.command)
    first = client.get(reverse("reports:records", args=["people"]))
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("reports:records", args=["people"]), {"page": 2})
    assert len(second.context["page"].object_list) == 9


def test_records_page_query_count_is_pinned(county, login, django_assert_max_num_queries):
    for n in range(20):
        make_person(county.grid_a1_1, f"测试{n}")
    client = login(county.town)
    client.get(reverse("reports:records", args=["people"]))
    # session, user, device, grants (5) + session stamp (3) + figure count + page + count
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:records", args=["people"]))
    assert response.context["page"].paginator.count == 23


def test_unknown_indicator_page_is_404(county, login):
    client = login(county.command)
    assert client.get(reverse("reports:records", args=["nope"])).status_code == 404


def test_users_without_figures_see_an_empty_page(county, login):
    response = login(county.teammember).get(reverse("reports:index"))
    assert response.status_code == 200
    assert response.context["rows"] == []
    records = reverse("reports:records", args=["people"])
    assert login(county.teammember).get(records).status_code == 404


def test_bad_as_of_falls_back_to_today_with_a_message(county, login):
    response = login(county.command).get(reverse("reports:index"), {"as_of": "yesterday"})
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.content.decode()


def test_anonymous_is_sent_to_login(client, county):
    response = client.get(reverse("reports:index"))
    assert response.status_code == 302
