"""The dashboard: every figure is its indicator's, as of a date, in the user's scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from bastion.core.indicators import Scope, all_indicators
from bastion.people.models import Person
from bastion.reports import dashboard as dash
from tests.conftest import make_person


def _figures(client, **query) -> dict:
    response = client.get(reverse("reports:dashboard_data", args=["figures"]), query)
    assert response.status_code == 200
    return response.json()["figures"]


def test_dashboard_renders_every_app_section_for_the_county(county, login):
    response = login(county.command).get(reverse("reports:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "长沙县" in body
    for label in ("人口", "党组织", "居家观察", "排查", "物资", "指挥调度"):
        assert label in body
    assert reverse("reports:bigscreen") in body


def test_dashboard_figures_equal_the_records_for_several_scopes_and_dates(county, client, login):
    login(county.command)
    today = timezone.localdate()
    for region in (county.county, county.town_a, county.grid_a1_1):
        for day in (today, today - dt.timedelta(days=1)):
            figures = _figures(client, region=region.code, as_of=day.isoformat())
            moment = dash.day_moment(day)
            scope = Scope(user=county.command, region_path=region.path)
            for code, indicator in all_indicators().items():
                assert figures[code] == indicator.count(scope, moment), (code, region.code, day)
            people = Person.objects.filter(path__startswith=region.path, created_at__lte=moment)
            assert figures["people"] == people.count()
            assert figures["people"] == all_indicators()["people"].records(scope, moment).count()


def test_as_of_excludes_later_records(county, client, login, settings):
    settings.BASTION_DASHBOARD_LIVE_SECONDS = 0
    login(county.command)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    before = _figures(client, region=county.county.code)["people"]
    make_person(county.grid_a1_2, "孙新来")
    assert _figures(client, region=county.county.code)["people"] == before + 1
    # Everyone in the fixture was registered today: none of them as of yesterday.
    assert _figures(client, region=county.county.code, as_of=yesterday.isoformat())["people"] == 0


def test_past_days_are_cached_by_date_and_today_is_live(county, client, login, settings):
    settings.BASTION_DASHBOARD_LIVE_SECONDS = 0
    login(county.command)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    first = _figures(client, as_of=yesterday)["people"]
    Person.objects.filter(pk=county.people["zhang"].pk).update(
        created_at=timezone.now() - dt.timedelta(days=3)
    )  # a backdated change that bypasses the services: the cached day does not see it
    assert _figures(client, as_of=yesterday)["people"] == first
    settings.BASTION_DASHBOARD_PAST_TTL = 0
    assert _figures(client, as_of=yesterday)["people"] == first + 1


def test_outsider_dashboard_shows_only_their_grid(county, client, login):
    login(county.outsider)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "黄兴第一网格" in body and "星沙街道" not in body
    assert _figures(client)["people"] == 1
    for name in ("dashboard", "bigscreen"):
        url = reverse(f"reports:{name}")
        assert client.get(url, {"region": county.town_a.code}).status_code == 404
        assert client.get(url, {"region": county.county.code}).status_code == 404
    data = reverse("reports:dashboard_data", args=["children"])
    assert client.get(data, {"region": county.community_a1.code}).status_code == 404


def test_drill_down_lists_sub_regions_with_links(county, client, login):
    login(county.command)
    response = client.get(
        reverse("reports:dashboard_data", args=["children"]),
        {"region": county.county.code, "indicator": "people"},
    )
    rows = response.json()["rows"]
    assert [(r["name"], r["value"]) for r in rows] == [("星沙街道", 3), ("黄兴镇", 1)]
    assert f"region={county.town_a.code}" in rows[0]["url"]
    page = client.get(reverse("reports:dashboard"), {"region": county.community_a1.code})
    body = page.content.decode()
    assert "松雅第一网格" in body and "松雅第二网格" in body
    assert reverse("reports:records", args=["campaigns_coverage_rate"]) in body


def test_trend_has_one_value_per_day(county, client, login):
    login(county.command)
    response = client.get(
        reverse("reports:dashboard_data", args=["trend"]), {"indicator": "people", "days": 5}
    )
    data = response.json()
    assert len(data["days"]) == 5 and data["days"][-1] == timezone.localdate().isoformat()
    assert data["values"] == [0, 0, 0, 0, 4]


def test_grid_map_colours_grids_by_the_chosen_indicator(county, client, login):
    login(county.command)
    response = client.get(
        reverse("reports:dashboard_data", args=["map"]),
        {"region": county.town_a.code, "indicator": "monitoring_under_observation"},
    )
    data = response.json()
    assert {r["code"] for r in data["regions"]} == {
        county.grid_a1_1.code,
        county.grid_a1_2.code,
    }
    assert data["regions"][0]["boundary"]["type"] == "Polygon"
    assert all(r["value"] == 0 for r in data["regions"])
    bad = client.get(reverse("reports:dashboard_data", args=["map"]), {"indicator": "nope"})
    assert bad.status_code == 404


def test_every_table_exports_with_scope_and_as_of(county, client, login):
    from openpyxl import load_workbook

    login(county.command)
    day = timezone.localdate() - dt.timedelta(days=1)
    for table in ("figures", "children", "trend"):
        response = client.get(
            reverse("reports:dashboard_export", args=[table]),
            {"region": county.town_a.code, "as_of": day.isoformat(), "indicator": "people"},
        )
        assert response.status_code == 200, table
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[1][1] == "星沙街道（430121001000）"
        assert rows[2][1].startswith(day.isoformat())
        assert "导出于" in rows[3][1]
    assert client.get(reverse("reports:dashboard_export", args=["nope"])).status_code == 404


def test_org_officer_sees_their_organization_and_party_figures_only(party_tree, client, login):
    login(party_tree.secretary_a)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    figures = _figures(client)
    assert figures and all(code.startswith("party_") for code in figures)
    other = party_tree.orgs["town_b"] if "town_b" in party_tree.orgs else None
    if other is not None:
        assert client.get(reverse("reports:dashboard"), {"org": other.code}).status_code == 404


def test_users_without_figures_get_404(county, client, login):
    login(county.nobody)
    assert client.get(reverse("reports:dashboard")).status_code == 404


def test_bad_dates_fall_back_to_today(county, client, login):
    login(county.command)
    response = client.get(reverse("reports:dashboard"), {"as_of": "2020-13-40"})
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.content.decode()


@pytest.mark.parametrize("name", ["dashboard", "bigscreen"])
def test_pages_render_for_each_level(county, client, login, name):
    login(county.command)
    for region in (county.county, county.town_a, county.community_a1, county.grid_a1_1):
        assert client.get(reverse(f"reports:{name}"), {"region": region.code}).status_code == 200
