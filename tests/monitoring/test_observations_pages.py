"""Observation pages: list (filters, masking, pinned queries), page, actions, register."""

from __future__ import annotations

import datetime as dt

import pytest

from bastion.core.idnumber import make_id_number
from bastion.monitoring.models import Observation
from bastion.monitoring.services.observations import observation_register
from bastion.people.identity import reveal_id_number


def test_list_shows_masked_people_and_filters(observation, county, login):
    client = login(county.gridworker)
    html = client.get("/monitoring/observations/").content.decode()
    assert "张建国" in html
    assert reveal_id_number(county.people["zhang"]) not in html
    assert county.people["zhang"].id_number_masked in html
    assert "张建国" not in client.get("/monitoring/observations/?status=released").content.decode()
    assert "张建国" in client.get("/monitoring/observations/?category=returnee").content.decode()
    client.post("/monitoring/observations/", {"q": "李"})
    assert "张建国" not in client.get("/monitoring/observations/").content.decode()


def test_list_query_count_is_pinned(observation, county, login, django_assert_max_num_queries):
    for key in ("li", "wang"):
        observation_register(
            actor=county.community,
            policy=observation.policy,
            person=county.people[key],
            origin="武汉",
            arrived_on=dt.date(2026, 3, 1),
        )
    client = login(county.community)
    client.get("/monitoring/observations/")
    with django_assert_max_num_queries(12):
        response = client.get("/monitoring/observations/")
    assert response.content.decode().count("/monitoring/observations/") >= 3


def test_team_member_list_shows_only_their_people(observation, county, login, doctor):
    observation_register(
        actor=county.command,
        policy=observation.policy,
        person=county.people["zhao"],
        origin="武汉",
        arrived_on=dt.date(2026, 3, 1),
    )
    html = login(doctor).get("/monitoring/observations/").content.decode()
    assert "张建国" in html and "赵大海" not in html


def test_observation_page_shows_team_household_and_actions(observation, county, login):
    observation_register(
        actor=county.gridworker,
        policy=observation.policy.__class__.objects.get(category="family_member"),
        person=county.people["li"],
        origin="武汉",
        arrived_on=dt.date(2026, 3, 2),
    )
    html = (
        login(county.gridworker)
        .get(f"/monitoring/observations/{observation.public_id}/")
        .content.decode()
    )
    assert "乡村医生" in html and "doctor" in html
    assert "李秀英" in html  # the family member in the same household, linked
    assert "提前结束" in html and "延长观察期" in html


def test_extend_and_end_through_the_page(observation, county, login):
    client = login(county.gridworker)
    base = f"/monitoring/observations/{observation.public_id}/"
    bad = client.post(base + "extend/", {"days": 3, "reason": ""})
    assert bad.status_code == 422
    assert client.post(base + "extend/", {"days": 3, "reason": "复查"}).status_code == 302
    assert client.post(base + "end/", {"reason": "moved", "note": ""}).status_code == 302
    observation.refresh_from_db()
    assert observation.extra_days == 3 and observation.status == "ended"


def test_team_edit_through_the_page(observation, county, login, police):
    client = login(county.gridworker)
    url = f"/monitoring/observations/{observation.public_id}/team/"
    assert client.post(url, {"seat_police": ""}).status_code == 302
    assert not observation.team.filter(seat__code="police").exists()
    client.post(url, {"seat_police": str(police.public_id)})
    assert observation.team.filter(seat__code="police", user=police).exists()


def test_doctor_release_button_only_for_doctor(observation, county, login, doctor):
    url = f"/monitoring/observations/{observation.public_id}/"
    assert "确认解除观察" in login(doctor).get(url).content.decode()
    assert "确认解除观察" not in login(county.gridworker).get(url).content.decode()


def test_register_page_new_and_existing_person(county, login, monitoring_users):
    client = login(county.gridworker)
    number = make_id_number("430121", dt.date(1988, 8, 8), 41)
    response = client.post(
        "/monitoring/observations/new/",
        {
            "policy": "returnee", "origin": "武汉", "arrived_on": "2026-03-01",
            "transport": "flight", "transport_number": "mu2527",
            "name": "周航班", "id_number": number, "grid": county.grid_a1_1.code,
        },
    )  # fmt: skip
    assert response.status_code == 302
    obs = Observation.objects.get(person__name="周航班")
    assert obs.transport_number == "MU2527"
    again = client.post(
        f"/monitoring/observations/new/?person={obs.person.public_id}",
        {"policy": "returnee", "origin": "武汉", "arrived_on": "2026-03-01"},
    )
    assert again.status_code == 422
    assert "已在“返乡人员”观察中" in again.content.decode()
    pick = client.post("/monitoring/observations/new/", {"pick": "1", "q": "李秀英"})
    assert f"?person={county.people['li'].public_id}" in pick.content.decode()


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("post", "team/"),
        ("post", "release/"),
        ("post", "end/"),
        ("post", "extend/"),
    ],
)
def test_outsider_gets_404_for_observation(observation, county, login, method, suffix):
    client = login(county.outsider)
    url = f"/monitoring/observations/{observation.public_id}/{suffix}"
    assert getattr(client, method)(url).status_code == 404
    assert "张建国" not in login(county.outsider).get("/monitoring/observations/").content.decode()


def test_outsider_cannot_register_person_of_town_a(observation, county, login):
    url = f"/monitoring/observations/new/?person={county.people['li'].public_id}"
    assert login(county.outsider).get(url).status_code == 404
    assert login(county.nobody).get("/monitoring/observations/new/").status_code == 404
