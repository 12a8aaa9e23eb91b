"""Query counts of the remaining list pages and endpoints stay flat as rows are added."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bastion.monitoring.services.arrivals import arrival_record
from bastion.monitoring.services.policy import (
    SeatSpec,
    risk_area_create,
    team_template_create,
)
from tests.conftest import make_person
from tests.monitoring.conftest import SHANGHAI

NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=SHANGHAI)
API = "/api/v1/monitoring"


def _queries(client, url: str) -> int:
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _arrivals(county, start: int, n: int) -> None:
    for i in range(start, start + n):
        arrival_record(
            actor=county.gridworker,
            person=make_person(county.grid_a1_1, f"孙{i}"),
            origin="湖北省武汉市",
            arrived_on=dt.date(2026, 3, 10),
            now=NOW,
        )


def test_rescreen_page_queries_do_not_grow_with_matches(county, login):
    risk_area_create(actor=county.command, name="武汉", risky_from=dt.date(2026, 3, 1), now=NOW)
    _arrivals(county, 0, 2)
    client = login(county.gridworker)
    few = _queries(client, "/monitoring/rescreen/")
    _arrivals(county, 2, 6)
    many = _queries(client, "/monitoring/rescreen/")
    assert many == few <= 12
    assert client.get("/monitoring/rescreen/").content.decode().count("孙") >= 8


def _config_rows(county, start: int, n: int) -> None:
    for i in range(start, start + n):
        risk_area_create(
            actor=county.command, name=f"地区{i}", risky_from=dt.date(2026, 3, 1), now=NOW
        )
        team_template_create(
            actor=county.command,
            name=f"模板{i}",
            seats=[SeatSpec("grid_cadre", "网格员", "", False), SeatSpec("doc", "医生", "", True)],
        )


@pytest.mark.parametrize(
    "url", ["/monitoring/config/", f"{API}/policies", f"{API}/risk-areas"], ids=str
)
def test_config_lists_queries_do_not_grow_with_rows(county, policy, login, url):
    _config_rows(county, 0, 1)
    client = login(county.command)
    few = _queries(client, url)
    _config_rows(county, 1, 4)
    assert _queries(client, url) == few <= 12
