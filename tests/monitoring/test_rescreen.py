"""Re-screening: a new or changed risk area shows grid workers the unobserved arrivals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bastion.access.models import Notification
from bastion.monitoring.selectors.rescreen import rescreen_matches
from bastion.monitoring.services.arrivals import arrival_record
from bastion.monitoring.services.policy import risk_area_create, risk_area_update
from tests.monitoring.conftest import SHANGHAI

NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def arrivals(county):
    li = arrival_record(
        actor=county.gridworker,
        person=county.people["li"],
        origin="湖北省武汉市武昌区",
        arrived_on=dt.date(2026, 3, 10),
        transport="train",
        transport_number="g1234",
        now=NOW,
    )
    zhao = arrival_record(
        actor=county.outsider,
        person=county.people["zhao"],
        origin="外省",
        origin_code="420106",
        arrived_on=dt.date(2026, 3, 12),
        now=NOW,
    )
    wang = arrival_record(
        actor=county.gridworker,
        person=county.people["wang"],
        origin="武汉",
        arrived_on=dt.date(2026, 2, 1),
        now=NOW,
    )
    return {"li": li, "zhao": zhao, "wang": wang}


def test_new_risk_area_notifies_grid_workers_with_counts(county, arrivals, observation):
    area = risk_area_create(
        actor=county.command, name="武汉", code="4201", risky_from=dt.date(2026, 3, 1), now=NOW
    )
    # li (grid A1-1, by name), zhao (grid B1-1, by code); wang arrived before the window;
    # zhang arrived from 湖北省武汉市 inside the window but is already under observation.
    mine = Notification.objects.get(recipient=county.gridworker, title__startswith="风险地区")
    assert "1人" in mine.title and "武汉" in mine.title
    assert str(area.public_id) in mine.link
    assert "1人" in Notification.objects.get(recipient=county.outsider).title
    assert [
        a.person for a in rescreen_matches(user=county.gridworker, area=area, today=NOW.date())
    ] == [county.people["li"]]
    assert [a.person for a in rescreen_matches(user=county.command, area=area, today=NOW.date())] == [
        county.people["li"], county.people["zhao"]
    ]  # fmt: skip


def test_changed_window_rescreens(county, arrivals):
    area = risk_area_create(
        actor=county.command, name="武汉", risky_from=dt.date(2026, 3, 11), now=NOW
    )
    assert not Notification.objects.filter(recipient=county.gridworker).exists()
    risk_area_update(
        actor=county.command, area=area, changes={"risky_from": dt.date(2026, 1, 20)}, now=NOW
    )
    note = Notification.objects.get(recipient=county.gridworker)
    assert "1人" in note.title  # li; wang's grid A1-2 is not this grid worker's
    assert rescreen_matches(user=county.community, area=area, today=NOW.date()).count() == 2


def test_risk_area_dates_are_checked(county):
    with pytest.raises(ValidationError) as info:
        risk_area_create(
            actor=county.command,
            name="某地",
            risky_from=dt.date(2026, 3, 5),
            risky_until=dt.date(2026, 3, 1),
        )
    assert "risky_until" in info.value.message_dict


def test_rescreen_page_lists_matches_with_register_link(county, arrivals, login):
    risk_area_create(actor=county.command, name="武汉", risky_from=dt.date(2026, 3, 1), now=NOW)
    page = login(county.gridworker).get("/monitoring/rescreen/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "李秀英" in html and "赵大海" not in html
    assert f"person={county.people['li'].public_id}" in html


def test_outsider_sees_nothing_of_town_a_on_rescreen(county, arrivals, login):
    risk_area_create(actor=county.command, name="武汉", risky_from=dt.date(2026, 3, 1), now=NOW)
    html = login(county.outsider).get("/monitoring/rescreen/").content.decode()
    assert "李秀英" not in html


def test_arrival_form(county, login):
    client = login(county.gridworker)
    url = f"/monitoring/arrivals/new/{county.people['li'].public_id}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"origin": "", "arrived_on": "2026-03-01"})
    assert response.status_code == 422 and "来源地" in response.content.decode()
    assert login(county.outsider).get(url).status_code == 404
