"""The first indicators: regions by level, grids, households, people, people by tag."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bastion.core.indicators import Scope
from bastion.reports.registry import all_indicators, get_indicator


def now() -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=1)


def test_the_first_indicators_are_registered():
    assert {"regions", "grids", "households", "people", "people_by_tag"} <= set(all_indicators())


def test_county_command_counts_the_whole_county(county):
    scope = Scope(user=county.command)
    counts = {code: get_indicator(code).count(scope, now()) for code in ("regions", "grids")}
    assert counts == {"regions": 8, "grids": 3}
    assert get_indicator("households").count(scope, now()) == 3
    assert get_indicator("people").count(scope, now()) == 4
    assert get_indicator("people_by_tag").count(scope, now()) == 1


def test_regions_break_down_by_level(county):
    breakdown = get_indicator("regions").breakdown(Scope(user=county.command), now())
    assert breakdown == [
        ("county", "县", 1),
        ("town", "镇", 1),
        ("subdistrict", "街道", 1),
        ("village", "村", 1),
        ("community", "社区", 1),
        ("grid", "网格", 3),
    ]


def test_people_break_down_by_tag_in_scope(county):
    indicator = get_indicator("people_by_tag")
    rows = {code: n for code, _name, n in indicator.breakdown(Scope(user=county.command), now())}
    assert rows["elderly_alone"] == 1
    outsider_rows = indicator.breakdown(Scope(user=county.outsider), now())
    assert all(n == 0 for _code, _name, n in outsider_rows)


def test_a_region_path_narrows_the_scope(county):
    scope = Scope(user=county.command, region_path=county.town_b.path)
    assert get_indicator("people").count(scope, now()) == 1
    assert get_indicator("grids").count(scope, now()) == 1
    assert get_indicator("households").count(scope, now()) == 1


def test_indicators_follow_the_users_scope(county):
    scope = Scope(user=county.gridworker)
    assert set(get_indicator("people").records(scope, now()).values_list("name", flat=True)) == {
        "张建国",
        "李秀英",
    }
    assert get_indicator("grids").count(scope, now()) == 1
    assert get_indicator("people").count(Scope(user=county.nobody), now()) == 0


def test_as_of_leaves_out_later_records(county):
    before = min(
        r.created_at for r in get_indicator("regions").records(Scope(user=county.command), now())
    ) - dt.timedelta(seconds=1)
    scope = Scope(user=county.command)
    for code in ("regions", "grids", "households", "people", "people_by_tag"):
        assert get_indicator(code).count(scope, before) == 0


def test_region_counts_leave_out_the_ancestors_above_the_users_grant(county):
    # The outsider holds grid B1-1: she sees the county and town B in breadcrumbs,
    # but she answers for one grid, so that is all the figure counts.
    scope = Scope(user=county.outsider)
    codes = set(get_indicator("regions").records(scope, now()).values_list("code", flat=True))
    assert codes == {county.grid_b1_1.code}
