"""Scope holes of key-population control found by trying it as an attacker would (issue 6):
nothing written for people outside the actor's scope, team seats only for eligible users,
observations that follow their person, one 404 rule for the monitoring view."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bastion.access.roles import Role
from bastion.core.idnumber import make_id_number
from bastion.monitoring.models import (
    Alert,
    Arrival,
    FollowUp,
    Observation,
    SeatAssignment,
    TeamMember,
)
from bastion.monitoring.services.followups import followup_record
from bastion.people.identity import reveal_id_number
from bastion.people.models import Person
from tests.conftest import make_user
from tests.monitoring.conftest import OBSERVATION_START

BASE = "/api/v1/monitoring"


def _put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


# --- registering with person_data whose ID number is outside the actor's scope ---------


def _person_data(county, id_number, name="张三"):
    return {
        "category": "returnee",
        "origin": "湖北武汉",
        "arrived_on": OBSERVATION_START.isoformat(),
        "person_data": {"name": name, "id_number": id_number, "grid": county.grid_b1_1.code},
    }


def test_api_registration_writes_nothing_for_the_person_on_file_elsewhere(county, policy, login):
    zhang = county.people["zhang"]  # town A; the outsider works in town B
    response = _post(
        login(county.outsider),
        f"{BASE}/observations",
        _person_data(county, reveal_id_number(zhang)),
    )
    assert response.status_code == 201, response.content
    assert not Observation.objects.filter(person=zhang).exists()
    assert not Arrival.objects.filter(person=zhang).exists()
    observation = Observation.objects.get(public_id=response.json()["public_id"])
    assert observation.person.duplicate_of == zhang
    assert observation.path == county.grid_b1_1.path and observation.person.name == "张三"


def test_api_registration_answers_the_same_for_a_number_on_file_and_a_new_one(
    county, policy, login
):
    client = login(county.outsider)
    zhang = county.people["zhang"]
    fresh = make_id_number("430121", dt.date(1985, 5, 5), 77)
    known = _post(client, f"{BASE}/observations", _person_data(county, reveal_id_number(zhang)))
    new = _post(client, f"{BASE}/observations", _person_data(county, fresh, name="李四"))

    def shape(body):
        return sorted(body), sorted(body["person"]), body["region_code"], body["status"]

    assert known.status_code == new.status_code == 201
    assert shape(known.json()) == shape(new.json())
    assert "张建国" not in known.content.decode()


def test_web_registration_writes_nothing_for_the_person_on_file_elsewhere(county, policy, login):
    zhang = county.people["zhang"]
    response = login(county.outsider).post(
        "/monitoring/observations/new/",
        {
            "policy": "returnee",
            "origin": "湖北武汉",
            "arrived_on": OBSERVATION_START.isoformat(),
            "name": "张三",
            "id_number": reveal_id_number(zhang),
            "grid": county.grid_b1_1.code,
        },
    )
    assert response.status_code == 302
    assert not Observation.objects.filter(person=zhang).exists()
    assert not Arrival.objects.filter(person=zhang).exists()
    observation = Observation.objects.get(path=county.grid_b1_1.path)
    assert login(county.outsider).get(response["Location"]).status_code == 200
    assert observation.person.duplicate_of == zhang


def test_registering_an_existing_person_out_of_scope_by_id_is_404_and_writes_nothing(
    county, policy, login
):
    body = {
        "category": "returnee",
        "origin": "湖北武汉",
        "arrived_on": OBSERVATION_START.isoformat(),
        "person": str(county.people["zhang"].public_id),
    }
    assert _post(login(county.outsider), f"{BASE}/observations", body).status_code == 404
    assert not Observation.objects.exists() and not Arrival.objects.exists()


# --- team seats --------------------------------------------------------------------------


@pytest.fixture
def town_b_team_member(county):
    return make_user("townb_doctor", Role.TEAM_MEMBER, county.town_b)


@pytest.mark.parametrize("who", ["keeper", "outsider", "townb_doctor", "volunteer", "auditor"])
def test_api_refuses_to_seat_a_user_the_form_does_not_offer(
    county, observation, login, town_b_team_member, who
):
    username = who
    before = set(TeamMember.objects.values_list("seat__code", "user__username"))
    response = _put(
        login(county.gridworker),
        f"{BASE}/observations/{observation.public_id}/team",
        {"members": {"police": username}},
    )
    assert response.status_code == 422, response.content
    assert "members.police" in response.json()["fields"]
    assert set(TeamMember.objects.values_list("seat__code", "user__username")) == before


def test_api_answers_the_same_for_an_unknown_and_an_ineligible_username(county, observation, login):
    client = login(county.gridworker)
    url = f"{BASE}/observations/{observation.public_id}/team"
    unknown = _put(client, url, {"members": {"police": "no_such_user"}}).json()
    keeper = _put(client, url, {"members": {"police": "keeper"}}).json()
    assert unknown["fields"]["members.police"] == [
        m.replace("keeper", "no_such_user") for m in keeper["fields"]["members.police"]
    ]


def test_api_seats_a_user_the_form_offers(county, observation, login):
    response = _put(
        login(county.gridworker),
        f"{BASE}/observations/{observation.public_id}/team",
        {"members": {"police": "teammember"}},  # team member role at town A
    )
    assert response.status_code == 200, response.content
    assert observation.team.filter(seat__code="police", user=county.teammember).exists()


def test_the_seat_dropdown_lists_only_eligible_users(county, observation, login):
    page = login(county.gridworker).get(f"/monitoring/observations/{observation.public_id}/")
    offered = {u.username for u in page.context["candidates"]}
    assert {"doctor", "police", "gridworker", "teammember", "community", "town"} <= offered
    assert not offered & {"keeper", "outsider", "volunteer", "auditor", "orgdept", "nobody"}


def test_the_page_refuses_to_seat_a_user_it_does_not_offer(county, observation, login):
    client = login(county.gridworker)
    response = client.post(
        f"/monitoring/observations/{observation.public_id}/team/",
        {"seat_police": str(county.keeper.public_id)},
    )
    assert response.status_code == 302
    assert not observation.team.filter(user=county.keeper).exists()


def test_team_set_refuses_an_ineligible_user_whoever_calls_it(county, observation):
    from django.core.exceptions import ValidationError

    from bastion.monitoring.services.team import team_set

    with pytest.raises(ValidationError):
        team_set(actor=county.command, observation=observation, members={"police": county.keeper})


# --- observations follow their person ------------------------------------------------------


@pytest.fixture
def grid2_worker(county):
    user = make_user("gridworker2", Role.GRID_WORKER, county.grid_a1_2)
    SeatAssignment.objects.create(
        user=user, seat_code="grid_cadre", region=county.grid_a1_2, path=county.grid_a1_2.path
    )
    return user


def _move(client, person, grid):
    return client.patch(
        f"/api/v1/people/{person.public_id}",
        json.dumps({"grid": grid.code}),
        content_type="application/json",
    )


def test_moving_a_person_moves_the_observation_and_its_records(
    county, observation, login, in_period, grid2_worker
):
    followup_record(
        actor=county.gridworker,
        observation=observation,
        observed_at=in_period,
        temperature="38.0",
        symptoms=[],
        at_home=True,
        now=in_period,
    )
    response = _move(login(county.community), county.people["zhang"], county.grid_a1_2)
    assert response.status_code == 200, response.content
    observation.refresh_from_db()
    new_path = county.grid_a1_2.path
    assert observation.path == new_path and observation.region == county.grid_a1_2
    assert set(FollowUp.objects.values_list("path", flat=True)) == {new_path}
    assert set(Alert.objects.values_list("path", flat=True)) == {new_path}
    assert set(Arrival.objects.values_list("path", flat=True)) == {new_path}


def test_the_old_grid_worker_loses_the_moved_observation(county, observation, login, grid2_worker):
    _move(login(county.community), county.people["zhang"], county.grid_a1_2)
    old = login(county.gridworker)
    assert old.get(f"{BASE}/observations/{observation.public_id}").status_code == 404
    assert (
        _post(
            old, f"{BASE}/observations/{observation.public_id}/followups", {"temperature": "36.5"}
        ).status_code
        == 404
    )
    seat = observation.team.get(seat__code="grid_cadre")
    assert seat.user == grid2_worker
    assert (
        login(grid2_worker).get(f"{BASE}/observations/{observation.public_id}").status_code == 200
    )


def test_seat_holders_still_eligible_keep_their_seats_after_a_move(
    county, observation, login, grid2_worker, doctor, police
):
    _move(login(county.community), county.people["zhang"], county.grid_a1_2)
    seats = dict(observation.team.values_list("seat__code", "user__username"))
    assert seats["village_doctor"] == "doctor" and seats["police"] == "police"


def test_clearing_the_grid_of_someone_under_observation_is_refused(county, observation, login):
    response = login(county.community).patch(
        f"/api/v1/people/{county.people['zhang'].public_id}",
        json.dumps({"grid": None}),
        content_type="application/json",
    )
    assert response.status_code in (404, 422)
    observation.refresh_from_db()
    assert Person.objects.get(pk=county.people["zhang"].pk).region == county.grid_a1_1
    assert observation.path == county.grid_a1_1.path


# --- the monitoring view: one rule, 404 outside scope ----------------------------------


def test_grid_worker_gets_404_for_her_community_on_the_page_and_the_api(county, observation, login):
    client = login(county.gridworker)
    assert client.get(f"/monitoring/monitor/{county.community_a1.code}/").status_code == 404
    assert client.get(f"{BASE}/monitor", {"region": county.community_a1.code}).status_code == 404
    assert client.get(f"/monitoring/monitor/{county.grid_a1_1.code}/").status_code == 200
    assert client.get(f"{BASE}/monitor", {"region": county.grid_a1_1.code}).status_code == 200


def test_the_monitoring_view_names_no_region_outside_scope(county, observation, login):
    html = login(county.gridworker).get("/monitoring/monitor/").content.decode()
    assert county.grid_a1_1.name in html
    for other in (county.grid_a1_2, county.town_b, county.grid_b1_1):
        assert other.name not in html


@pytest.mark.parametrize("who", ["keeper", "volunteer", "nobody"])
def test_a_role_without_monitoring_gets_no_permission_not_zeros(county, login, who):
    client = login(county.users[who])
    page = client.get("/monitoring/monitor/")
    assert page.status_code == 403
    assert "没有查看居家观察数据的权限" in page.content.decode()
    assert client.get(f"{BASE}/monitor", {"region": county.county.code}).status_code in (403, 404)


def test_merging_a_provisional_record_moves_its_observation_to_the_record_on_file(
    county, policy, login
):
    li = county.people["li"]
    response = _post(
        login(county.outsider), f"{BASE}/observations", _person_data(county, reveal_id_number(li))
    )
    observation = Observation.objects.get(public_id=response.json()["public_id"])
    provisional = observation.person
    merged = _post(
        login(county.command),
        f"/api/v1/people/duplicates/{provisional.public_id}/merge",
        {"keep": "original"},
    )
    assert merged.status_code == 200, merged.content
    observation.refresh_from_db()
    assert observation.person_id == li.pk and observation.path == li.path
    assert not Person.objects.filter(pk=provisional.pk).exists()
    # the person lives in town A: the outsider (not on the team) no longer sees it
    assert (
        login(county.outsider).get(f"{BASE}/observations/{observation.public_id}").status_code
        == 404
    )


def test_a_merge_that_would_give_one_person_two_active_observations_is_refused(
    county, policy, login, observation
):
    zhang = county.people["zhang"]  # already under observation (the fixture)
    response = _post(
        login(county.outsider),
        f"{BASE}/observations",
        _person_data(county, reveal_id_number(zhang)),
    )
    provisional = Observation.objects.get(public_id=response.json()["public_id"]).person
    refused = _post(
        login(county.command),
        f"/api/v1/people/duplicates/{provisional.public_id}/merge",
        {"keep": "new"},
    )
    assert refused.status_code == 422, refused.content
    assert Person.objects.filter(pk=provisional.pk).exists()
    assert Observation.objects.get(pk=observation.pk).path == zhang.path
