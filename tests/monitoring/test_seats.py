"""五包一岗位 (standing seat duties): page and API, scoped to Perm.ASSIGNMENT_MANAGE subtrees."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bastion.access.roles import Role
from bastion.core.models import AuditEntry
from bastion.monitoring.models import SeatAssignment
from bastion.monitoring.services.observations import observation_register
from bastion.monitoring.services.policy import seat_assignment_create
from bastion.monitoring.services.team import team_propose
from tests.conftest import make_user
from tests.monitoring.conftest import OBSERVATION_START

BASE = "/api/v1/monitoring/seats"
PAGE = "/monitoring/seats/"


@pytest.fixture
def officer_b(county):
    return make_user("officer_b", Role.TOWN_OFFICER, county.town_b)


@pytest.fixture
def cop(county):
    """A police officer holding a role in town A (so town A's officer may seat her)."""
    return make_user("cop", Role.TEAM_MEMBER, county.town_a)


@pytest.fixture
def duty(county, cop):
    return seat_assignment_create(
        actor=county.town, user=cop, seat_code="police", region=county.town_a
    )


def _seat(team, code):
    return next(user for seat, user in team if seat.code == code)


def test_town_officer_adds_police_seat_and_new_observation_team_includes_her(
    county, policy, cop, login
):
    client = login(county.town)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "还没有登记任何责任组岗位" in page.content.decode()
    response = client.post(
        PAGE,
        {"seat_code": "police", "region": county.town_a.code, "user": str(cop.public_id)},
    )
    assert response.status_code == 302, response.content.decode()
    assert SeatAssignment.objects.filter(user=cop, seat_code="police").exists()
    listing = client.get(PAGE).content.decode()
    assert "民警" in listing and "cop" in listing and county.town_a.name in listing

    observation = observation_register(
        actor=county.gridworker,
        policy=policy,
        person=county.people["li"],
        origin="湖北省武汉市",
        arrived_on=OBSERVATION_START,
    )
    assert _seat(team_propose(observation=observation), "police") == cop
    assert observation.team.filter(seat__code="police", user=cop).exists()


def test_seat_user_picker_lists_only_users_in_subtree(county, cop, officer_b, login):
    body = login(county.town).get(PAGE).content.decode()
    assert f'value="{cop.public_id}"' in body
    assert f'value="{county.outsider.public_id}"' not in body
    assert f'value="{county.town_b.code}"' not in body


def test_outsider_gets_404_for_seat_page_and_api(county, duty, login):
    client = login(county.outsider)
    assert client.get(PAGE).status_code == 404
    assert client.get(reverse("monitoring:seat_remove", args=[duty.public_id])).status_code == 404
    assert client.post(reverse("monitoring:seat_remove", args=[duty.public_id])).status_code == 404
    assert client.get(BASE).status_code == 404
    assert client.delete(f"{BASE}/{duty.public_id}").status_code == 404
    response = client.post(
        BASE,
        {"seat_code": "police", "region": county.town_a.code, "user": "outsider"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert SeatAssignment.objects.count() == 1


def test_other_town_officer_cannot_see_or_add_seat_duties_in_town_a(
    county, duty, cop, officer_b, login
):
    client = login(officer_b)
    assert client.get(BASE).json()["items"] == []
    assert client.get(reverse("monitoring:seat_remove", args=[duty.public_id])).status_code == 404
    assert client.delete(f"{BASE}/{duty.public_id}").status_code == 404
    response = client.post(
        BASE,
        {"seat_code": "grid_cadre", "region": county.town_a.code, "user": "cop"},
        content_type="application/json",
    )
    assert response.status_code == 404
    page = client.post(
        PAGE, {"seat_code": "grid_cadre", "region": county.town_a.code, "user": str(cop.public_id)}
    )
    assert page.status_code == 422
    assert SeatAssignment.objects.count() == 1


def test_api_lists_adds_and_removes_seat_duties(county, duty, cop, login):
    client = login(county.town)
    items = client.get(BASE).json()["items"]
    assert [(i["seat_code"], i["seat_label"], i["region"], i["user"]) for i in items] == [
        ("police", "民警", county.town_a.code, "cop")
    ]
    response = client.post(
        BASE,
        {"seat_code": "village_doctor", "region": county.community_a1.code, "user": "cop"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["seat_label"] == "乡村医生"
    again = client.post(
        BASE,
        {"seat_code": "village_doctor", "region": county.community_a1.code, "user": "cop"},
        content_type="application/json",
    )
    assert again.status_code == 422
    unknown = client.post(
        BASE,
        {"seat_code": "mayor", "region": county.community_a1.code, "user": "cop"},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    stranger = client.post(
        BASE,
        {"seat_code": "police", "region": county.town_a.code, "user": "outsider"},
        content_type="application/json",
    )
    assert stranger.status_code == 422
    assert client.get(f"{BASE}?region={county.community_a1.code}").json()["count"] == 1
    assert client.delete(f"{BASE}/{duty.public_id}").status_code == 204
    assert not SeatAssignment.objects.filter(pk=duty.pk).exists()


def test_removing_a_seat_duty_asks_for_confirmation_and_is_audited(county, duty, cop, login):
    client = login(county.town)
    url = reverse("monitoring:seat_remove", args=[duty.public_id])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "确认移除" in confirm.content.decode()
    assert SeatAssignment.objects.filter(pk=duty.pk).exists()
    assert client.post(url).status_code == 302
    assert not SeatAssignment.objects.filter(pk=duty.pk).exists()
    entry = AuditEntry.objects.filter(action="revoke", object_id=str(cop.public_id)).get()
    assert entry.actor == county.town
    assert entry.changes["seat"] == ["police", None]
    assert entry.path == county.town_a.path


def test_seat_list_query_count_is_pinned(county, cop, login, django_assert_max_num_queries):
    for region in (county.town_a, county.community_a1, county.grid_a1_1, county.grid_a1_2):
        for code in ("police", "village_doctor", "grid_cadre"):
            seat_assignment_create(actor=county.command, user=cop, seat_code=code, region=region)
    client = login(county.town)
    client.get(PAGE)
    with django_assert_max_num_queries(8):
        response = client.get(PAGE)
    assert response.content.decode().count("移除") >= 12
    with django_assert_max_num_queries(5):
        assert client.get(BASE).json()["count"] == 12


def test_observation_list_links_to_seats_for_managers_only(county, login):
    assert (
        'href="/monitoring/seats/"'
        in login(county.town).get("/monitoring/observations/").content.decode()
    )
    assert (
        'href="/monitoring/seats/"'
        not in login(county.gridworker).get("/monitoring/observations/").content.decode()
    )


def test_person_page_shows_arrival_link_to_grid_worker_not_auditor(county, login):
    person = county.people["zhang"]
    url = reverse("people:person", args=[person.public_id])
    arrival = reverse("monitoring:arrival_new", args=[person.public_id])
    assert arrival in login(county.gridworker).get(url).content.decode()
    page = login(county.auditor).get(url)
    assert page.status_code == 200
    assert arrival not in page.content.decode()
    assert "登记返乡/到达" not in page.content.decode()


def test_page_and_api_show_the_same_seat_label(county, duty, login):
    """One rule (`seat_duty_list` annotates `seat_label`) for the page, the remove page and
    the API."""
    from bastion.monitoring.models import TeamTemplateRole

    label = TeamTemplateRole.objects.filter(code="police").values_list("label_zh", flat=True)[0]
    client = login(county.town)
    assert client.get(BASE).json()["items"][0]["seat_label"] == label
    assert f"<strong>{label}</strong>" in client.get(PAGE).content.decode()
    remove = client.get(f"{PAGE}{duty.public_id}/remove/")
    assert f"<dd>{label}</dd>" in remove.content.decode()
