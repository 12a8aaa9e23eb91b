"""The monitoring API for observations: list, read, register, lifecycle, team, self-report."""

from __future__ import annotations

import pytest
from django.test import Client
from freezegun import freeze_time

from bastion.monitoring.models import Observation, ObservationStatus

BASE = "/api/v1/monitoring"


def url(observation, suffix=""):
    return f"{BASE}/observations/{observation.public_id}{suffix}"


def test_gridworker_lists_observation_with_masked_person(county, observation, login):
    client = login(county.gridworker)
    response = client.get(f"{BASE}/observations")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["public_id"] for i in items] == [str(observation.public_id)]
    person = items[0]["person"]
    assert "*" in person["id_number_masked"] and person["phone_masked"] == "138****1234"
    assert items[0]["category"] == "returnee" and items[0]["transport_number"] == "G1234"


def test_observation_list_filters(county, observation, login):
    client = login(county.command)
    assert client.get(f"{BASE}/observations?status=active").json()["count"] == 1
    assert client.get(f"{BASE}/observations?status=released").json()["count"] == 0
    assert client.get(f"{BASE}/observations?category=returnee").json()["count"] == 1
    assert client.get(f"{BASE}/observations?region={county.grid_a1_2.code}").json()["count"] == 0
    assert client.get(f"{BASE}/observations?q=张建国").json()["count"] == 1


def test_observation_list_query_count_is_pinned(
    county, policy, observation, login, django_assert_max_num_queries
):
    from bastion.monitoring.services.observations import observation_register

    for key in ("li", "wang"):
        observation_register(
            actor=county.command,
            policy=policy,
            person=county.people[key],
            origin="湖北省武汉市",
            arrived_on=observation.starts_on,
        )
    client = login(county.command)
    client.get(f"{BASE}/observations")  # warm the session
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/observations")
    assert response.json()["count"] == 3


def test_outsider_gets_404_for_observation(county, observation, login):
    client = login(county.outsider)
    assert client.get(f"{BASE}/observations").json()["count"] == 0
    for suffix in ("", "/team", "/followups"):
        assert client.get(url(observation, suffix)).status_code == 404
    for suffix, body in [
        ("/release", {}),
        ("/end", {"reason": "moved", "note": "x"}),
        ("/extend", {"days": 3, "reason": "x"}),
        ("/selfreport-token", {}),
        ("/followups", {"temperature": "36.5"}),
        ("/followups/1/correct", {"temperature": "36.5"}),
    ]:
        response = client.post(url(observation, suffix), body, content_type="application/json")
        assert response.status_code == 404, suffix
        assert response.json()["code"] == "not_found"
    response = client.put(
        url(observation, "/team"), {"members": {}}, content_type="application/json"
    )
    assert response.status_code == 404


def test_team_member_sees_only_their_team(county, observation, monitoring_users, login):
    client = login(monitoring_users["police"])
    assert client.get(f"{BASE}/observations").json()["count"] == 1
    assert client.get(url(observation)).status_code == 200
    assert client.get(f"{BASE}/observations", {"q": "王小明"}).json()["count"] == 0


def test_register_existing_person(county, policy, login):
    client = login(county.gridworker)
    response = client.post(
        f"{BASE}/observations",
        {
            "category": "returnee",
            "origin": "湖北省武汉市",
            "person": str(county.people["li"].public_id),
            "arrived_on": "2026-11-28",
            "transport": "flight",
            "transport_number": "cz3456",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person"]["name"] == "李秀英" and body["transport_number"] == "CZ3456"
    assert Observation.objects.get(public_id=body["public_id"]).person == county.people["li"]


def test_register_new_person_by_data(county, policy, login):
    import datetime as dt

    from bastion.core.idnumber import make_id_number

    client = login(county.gridworker)
    number = make_id_number("430121", dt.date(1990, 5, 6), 123)
    response = client.post(
        f"{BASE}/observations",
        {
            "category": "returnee",
            "origin": "湖北省武汉市",
            "arrived_on": "2026-11-28",
            "person_data": {"name": "陈新", "id_number": number, "grid": county.grid_a1_1.code},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert number not in response.content.decode()


def test_register_duplicate_active_is_422(county, observation, login):
    response = login(county.gridworker).post(
        f"{BASE}/observations",
        {
            "category": "returnee",
            "origin": "武汉",
            "person": str(county.people["zhang"].public_id),
            "arrived_on": "2026-11-28",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_register_requires_person_or_data(county, policy, login):
    response = login(county.gridworker).post(
        f"{BASE}/observations",
        {"category": "returnee", "origin": "武汉", "arrived_on": "2026-11-28"},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_outsider_cannot_register_someone_out_of_scope(county, policy, login):
    response = login(county.outsider).post(
        f"{BASE}/observations",
        {
            "category": "returnee",
            "origin": "武汉",
            "person": str(county.people["zhang"].public_id),
            "arrived_on": "2026-11-28",
        },
        content_type="application/json",
    )
    assert response.status_code == 404


def test_end_and_extend(county, observation, login):
    client = login(county.gridworker)
    response = client.post(
        url(observation, "/extend"), {"days": 3, "reason": "密接"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["extra_days"] == 3
    response = client.post(
        url(observation, "/end"),
        {"reason": "hospital", "note": "转入定点医院"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == ObservationStatus.ENDED


def test_release_by_doctor_after_normal_last_day(county, observation, doctor, login):
    import datetime as dt

    from bastion.monitoring.services.followups import followup_record
    from tests.monitoring.conftest import OBSERVATION_LAST_DAY, SHANGHAI

    last = dt.datetime.combine(OBSERVATION_LAST_DAY, dt.time(9), tzinfo=SHANGHAI)
    with freeze_time(last + dt.timedelta(hours=2)):
        followup_record(
            actor=county.gridworker,
            observation=observation,
            observed_at=last,
            temperature="36.5",
            symptoms=[],
            at_home=True,
        )
        client = login(county.gridworker)
        denied = client.post(url(observation, "/release"), {}, content_type="application/json")
        assert denied.status_code == 422
        client = login(doctor)
        response = client.post(
            url(observation, "/release"), {"note": "体温正常"}, content_type="application/json"
        )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ObservationStatus.RELEASED


def test_team_get_and_set(county, observation, monitoring_users, login):
    client = login(county.gridworker)
    team = {s["code"]: s["user"] for s in client.get(url(observation, "/team")).json()}
    assert team["village_doctor"] == "doctor" and team["grid_cadre"] == "gridworker"
    response = client.put(
        url(observation, "/team"),
        {"members": {"police": "liaison", "village_doctor": None}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    team = {s["code"]: s["user"] for s in response.json()}
    assert team["police"] == "liaison"


def test_team_set_rejects_unknown_seat(county, observation, login):
    response = login(county.gridworker).put(
        url(observation, "/team"), {"members": {"mayor": "doctor"}}, content_type="application/json"
    )
    assert response.status_code == 422


def test_selfreport_token_returns_link(county, observation, login):
    response = login(county.gridworker).post(
        url(observation, "/selfreport-token"), {}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["token"] in body["url"] and "/r/" in body["url"]
    from urllib.parse import urlsplit

    assert Client().get(urlsplit(body["url"]).path).status_code == 200  # opens without login
    observation.refresh_from_db()
    assert (
        observation.self_report_token_hash and body["token"] != observation.self_report_token_hash
    )


@pytest.mark.parametrize("persona", ["nobody", "volunteer"])
def test_personas_without_scope_see_nothing(county, observation, login, persona):
    client = login(getattr(county, persona))
    assert client.get(f"{BASE}/observations").json()["count"] == 0
    assert client.get(url(observation)).status_code == 404
