"""Grouped figures for the bars and the map (Indicator.by_region): one evaluation gives
every sub-region's value, and each equals the indicator's own count for that region."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bastion.access.roles import Role
from bastion.core.indicators import Scope, all_indicators
from bastion.geo.models import Level, Region
from bastion.reports import dashboard as dash
from tests.conftest import make_user

SMALL = ["--towns", "2", "--villages", "2", "--grids", "2", "--households", "3"]


@pytest.fixture
def demo(db):
    call_command("demo", *SMALL, "--seed", "5", verbosity=0)
    county = Region.objects.get(parent__isnull=True)
    town = Region.objects.filter(parent=county).order_by("path").first()
    return county, town


def _grouped() -> list:
    found = [i for i in all_indicators().values() if i.by_region is not None]
    assert {"monitoring_under_observation", "campaigns_coverage_rate"} <= {i.code for i in found}
    return found


def test_grouped_values_equal_each_regions_own_count(demo):
    county, town = demo
    users = [
        make_user("cmd", Role.COUNTY_COMMAND, county),
        make_user("twn", Role.TOWN_OFFICER, town),
    ]
    moment = timezone.now()
    nonzero = 0
    for user in users:
        for parent in (county, town):
            if user.username == "twn" and parent == county:
                continue  # the dashboard never shows a town officer the county
            subsets = [
                list(Region.objects.filter(parent=parent).order_by("path")),
                list(Region.objects.filter(level=Level.GRID, path__startswith=parent.path)),
            ]
            for regions in subsets:
                for indicator in _grouped():
                    scope = Scope(user=user, region_path=parent.path, memo={})
                    values = indicator.by_region(scope, moment, regions)
                    for region in regions:
                        own = indicator.count(Scope(user=user, region_path=region.path), moment)
                        assert values[region.path] == own, (indicator.code, region.code)
                        nonzero += bool(own)
    assert nonzero > 10  # the demo has observations and visits in many grids


def _queries(client, url, query) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured.captured_queries)


def test_bars_and_map_read_one_grouped_evaluation(demo, client, login):
    county, town = demo
    user = make_user("cmd", Role.COUNTY_COMMAND, county)
    login(user)
    code = "monitoring_under_observation"
    url = reverse("reports:dashboard_data", args=["map"])
    client.get(url, {"region": town.code, "indicator": code})  # the session's first save
    # The county has twice the town's grids; the map costs the same queries.
    assert _queries(client, url, {"region": county.code, "indicator": code}) == _queries(
        client, url, {"region": town.code, "indicator": code}
    )
    payload = client.get(url, {"region": town.code, "indicator": code}).json()
    assert len(payload["regions"]) == 4
    moment = dash.live_moment()
    for row in payload["regions"]:
        region = Region.objects.get(code=row["code"])
        own = all_indicators()[code].count(Scope(user=user, region_path=region.path), moment)
        assert row["value"] == own
    bars_url = reverse("reports:dashboard_data", args=["children"])
    bars = client.get(bars_url, {"region": county.code, "indicator": code}).json()
    for row in bars["rows"]:
        region = Region.objects.get(code=row["code"])
        own = all_indicators()[code].count(Scope(user=user, region_path=region.path), moment)
        assert row["value"] == own
