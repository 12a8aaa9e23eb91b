"""The management API: users, role grants, responsibility assignments — scoped to the caller."""

from __future__ import annotations

import pytest

from bastion.access.models import Assignment, RoleAssignment, User
from bastion.access.roles import Role
from bastion.core.models import AuditEntry
from tests.conftest import make_user
from tests.mixins import MISSING_UUID, api_login_client, api_post, items

USERS = "/api/v1/users"
ASSIGNMENTS = "/api/v1/assignments"


@pytest.fixture
def api(client):
    return lambda user: api_login_client(client, user)


def usernames(response) -> set[str]:
    return {u["username"] for u in items(response)}


# --- Listing and reading users ------------------------------------------------------------


def test_town_officer_sees_only_users_in_her_town(county, api):
    seen = usernames(api(county.town).get(USERS))
    assert {"community", "gridworker", "teammember", "volunteer", "town"} <= seen
    assert not seen & {"outsider", "command", "keeper", "auditor", "nobody", "orgdept"}


def test_community_officer_does_not_see_town_level_users(county, api):
    seen = usernames(api(county.community).get(USERS))
    assert {"community", "gridworker", "volunteer"} <= seen
    assert not seen & {"town", "teammember", "outsider"}


def test_list_shows_only_grants_inside_the_callers_subtree(county, api):
    RoleAssignment.objects.create(
        user=county.gridworker,
        role=Role.VOLUNTEER,
        region=county.grid_b1_1,
        region_path=county.grid_b1_1.path,
    )
    client = api(county.town)
    body = client.get(f"{USERS}/{county.gridworker.public_id}").json()
    assert [r["region_code"] for r in body["roles"]] == [county.grid_a1_1.code]
    assert body["other_roles"] == 1


def test_search_matches_username_or_full_name(county, api):
    user = make_user("li-grid", Role.GRID_WORKER, county.grid_a1_2)
    User.objects.filter(pk=user.pk).update(full_name="李网格")
    client = api(county.town)
    assert usernames(client.get(USERS, {"q": "李网"})) == {"li-grid"}
    assert usernames(client.get(USERS, {"q": "grid"})) == {"li-grid", "gridworker"}


@pytest.mark.parametrize("persona", ["outsider", "nobody", "gridworker", "teammember", "auditor"])
def test_non_managers_and_outsiders_get_404_for_a_user(county, api, persona):
    response = api(getattr(county, persona)).get(f"{USERS}/{county.gridworker.public_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("persona", ["nobody", "gridworker", "volunteer"])
def test_non_managers_get_404_for_the_user_list(county, api, persona):
    assert api(getattr(county, persona)).get(USERS).status_code == 404


def test_town_officer_gets_404_for_a_user_of_the_neighbouring_town(county, api):
    response = api(county.town).get(f"{USERS}/{county.outsider.public_id}")
    assert response.status_code == 404
    assert api(county.town).get(f"{USERS}/{MISSING_UUID}").status_code == 404


def test_user_list_query_count_is_pinned(county, api, django_assert_max_num_queries):
    for n in range(20):
        make_user(f"grid{n}", Role.GRID_WORKER, county.grid_a1_2)
    client = api(county.town)
    client.get(USERS)
    with django_assert_max_num_queries(8):
        response = client.get(USERS)
    assert len(items(response)) >= 25


# --- Creating users -----------------------------------------------------------------------


def test_town_officer_creates_a_grid_worker_and_gets_a_one_time_password(county, api):
    client = api(county.town)
    response = api_post(
        client,
        USERS,
        {
            "username": "zhou",
            "full_name": "周丽",
            "role": Role.GRID_WORKER,
            "region_code": county.grid_a1_2.code,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    user = User.objects.get(username="zhou")
    assert len(body["password"]) >= 12
    assert user.check_password(body["password"])
    assert [r["role"] for r in body["user"]["roles"]] == [Role.GRID_WORKER]
    actions = set(
        AuditEntry.objects.filter(object_id=str(user.public_id)).values_list("action", flat=True)
    )
    assert actions == {"create", "grant"}
    assert client.get(f"{USERS}/{user.public_id}").status_code == 200


def test_creating_a_user_with_a_taken_username_names_the_field(county, api):
    response = api_post(
        api(county.town),
        USERS,
        {
            "username": "gridworker",
            "full_name": "重名",
            "role": Role.GRID_WORKER,
            "region_code": county.grid_a1_2.code,
        },
    )
    assert response.status_code == 422
    assert "username" in response.json()["fields"]


def test_town_officer_cannot_create_a_user_in_the_neighbouring_town(county, api):
    response = api_post(
        api(county.town),
        USERS,
        {
            "username": "spy",
            "full_name": "外镇",
            "role": Role.GRID_WORKER,
            "region_code": county.grid_b1_1.code,
        },
    )
    assert response.status_code == 422
    assert "region_code" in response.json()["fields"]
    assert not User.objects.filter(username="spy").exists()


def test_nobody_gets_404_when_creating_a_user(county, api):
    body = {"username": "x", "full_name": "x", "role": "volunteer", "region_code": "430121001000"}
    assert api_post(api(county.nobody), USERS, body).status_code == 404


# --- Granting and revoking roles ----------------------------------------------------------


def test_town_officer_cannot_grant_county_command(county, api):
    url = f"{USERS}/{county.community.public_id}/roles"
    response = api_post(
        api(county.town), url, {"role": Role.COUNTY_COMMAND, "region_code": county.town_a.code}
    )
    assert response.status_code == 422
    assert "role" in response.json()["fields"]
    assert not RoleAssignment.objects.filter(role=Role.COUNTY_COMMAND, user=county.community)


def test_town_officer_cannot_grant_outside_her_town(county, api):
    url = f"{USERS}/{county.community.public_id}/roles"
    for code in (county.grid_b1_1.code, county.county.code):
        response = api_post(api(county.town), url, {"role": Role.GRID_WORKER, "region_code": code})
        assert response.status_code == 422
        assert "region_code" in response.json()["fields"]


def test_community_officer_cannot_grant_town_officer(county, api):
    url = f"{USERS}/{county.gridworker.public_id}/roles"
    response = api_post(
        api(county.community),
        url,
        {"role": Role.TOWN_OFFICER, "region_code": county.community_a1.code},
    )
    assert response.status_code == 422


def test_manager_cannot_change_her_own_roles(county, api):
    url = f"{USERS}/{county.town.public_id}/roles"
    response = api_post(
        api(county.town), url, {"role": Role.GRID_WORKER, "region_code": county.grid_a1_1.code}
    )
    assert response.status_code == 422


def test_grant_and_revoke_a_role_are_audited(county, api):
    client = api(county.town)
    url = f"{USERS}/{county.gridworker.public_id}/roles"
    response = api_post(
        client, url, {"role": Role.GRID_WORKER, "region_code": county.grid_a1_2.code}
    )
    assert response.status_code == 201, response.content
    grant_id = response.json()["public_id"]
    assert (
        api_post(
            client, url, {"role": Role.GRID_WORKER, "region_code": county.grid_a1_2.code}
        ).status_code
        == 422
    )
    response = client.delete(f"{url}/{grant_id}")
    assert response.status_code == 204
    assert not RoleAssignment.objects.filter(public_id=grant_id).exists()
    entries = AuditEntry.objects.filter(
        object_id=str(county.gridworker.public_id), path=county.grid_a1_2.path
    )
    assert sorted(entries.values_list("action", flat=True)) == ["grant", "revoke"]


def test_community_officer_cannot_revoke_a_town_level_grant(county, api):
    grant = RoleAssignment.objects.create(
        user=county.gridworker,
        role=Role.TOWN_OFFICER,
        region=county.community_a1,
        region_path=county.community_a1.path,
    )
    url = f"{USERS}/{county.gridworker.public_id}/roles/{grant.public_id}"
    assert api(county.community).delete(url).status_code == 422
    assert RoleAssignment.objects.filter(pk=grant.pk).exists()


def test_outsider_gets_404_when_revoking_a_grant(county, api):
    grant = RoleAssignment.objects.get(user=county.gridworker)
    url = f"{USERS}/{county.gridworker.public_id}/roles/{grant.public_id}"
    assert api(county.outsider).delete(url).status_code == 404


def test_deactivated_user_cannot_use_the_api(county, api, client):
    response = api_post(api(county.town), f"{USERS}/{county.gridworker.public_id}/deactivate", {})
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    county.gridworker.refresh_from_db()
    assert not county.gridworker.is_active
    assert AuditEntry.objects.filter(
        object_id=str(county.gridworker.public_id), action="update"
    ).exists()
    client.logout()
    client.force_login(county.gridworker)
    assert client.get("/api/v1/me").status_code == 401


def test_town_officer_cannot_deactivate_the_county_command(county, api):
    RoleAssignment.objects.create(
        user=county.command,
        role=Role.GRID_WORKER,
        region=county.grid_a1_1,
        region_path=county.grid_a1_1.path,
    )
    url = f"{USERS}/{county.command.public_id}/deactivate"
    assert api_post(api(county.town), url, {}).status_code == 422
    county.command.refresh_from_db()
    assert county.command.is_active


# --- Responsibility assignments -----------------------------------------------------------


def test_assignment_create_and_delete_are_audited(county, api):
    client = api(county.community)
    response = api_post(
        client,
        ASSIGNMENTS,
        {
            "user": str(county.gridworker.public_id),
            "kind": "grid",
            "region_code": county.grid_a1_2.code,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["target_id"] == county.grid_a1_2.code
    assert body["kind_name"] == "包片"
    response = client.delete(f"{ASSIGNMENTS}/{body['public_id']}")
    assert response.status_code == 204
    assert not Assignment.objects.filter(public_id=body["public_id"]).exists()
    entries = AuditEntry.objects.filter(object_id=str(county.gridworker.public_id))
    assert sorted(entries.values_list("action", flat=True)) == ["grant", "revoke"]


def test_team_member_sees_a_person_right_after_assignment(county, api, client):
    zhang = county.people["zhang"]
    manager = api(county.town)
    response = api_post(
        manager,
        ASSIGNMENTS,
        {
            "user": str(county.teammember.public_id),
            "kind": "person",
            "person": str(zhang.public_id),
        },
    )
    assert response.status_code == 201, response.content
    member = api_login_client(client, county.teammember)
    assert member.get(f"/api/v1/people/{zhang.public_id}").status_code == 200


def test_household_assignment_opens_the_household_to_the_team_member(county, api, client):
    household = county.people["zhang"].household
    response = api_post(
        api(county.town),
        ASSIGNMENTS,
        {
            "user": str(county.teammember.public_id),
            "kind": "household",
            "household": str(household.public_id),
        },
    )
    assert response.status_code == 201, response.content
    member = api_login_client(client, county.teammember)
    assert member.get(f"/api/v1/people/{county.people['li'].public_id}").status_code == 200


def test_duplicate_assignment_is_refused(county, api):
    wang = county.people["wang"]
    response = api_post(
        api(county.town),
        ASSIGNMENTS,
        {"user": str(county.teammember.public_id), "kind": "person", "person": str(wang.public_id)},
    )
    assert response.status_code == 422


def test_assignment_target_outside_the_subtree_is_404(county, api):
    client = api(county.community)
    zhao = county.people["zhao"]
    body = {
        "user": str(county.gridworker.public_id),
        "kind": "person",
        "person": str(zhao.public_id),
    }
    assert api_post(client, ASSIGNMENTS, body).status_code == 404
    body = {
        "user": str(county.gridworker.public_id),
        "kind": "grid",
        "region_code": county.grid_b1_1.code,
    }
    assert api_post(client, ASSIGNMENTS, body).status_code == 404
    body = {
        "user": str(county.outsider.public_id),
        "kind": "grid",
        "region_code": county.grid_a1_1.code,
    }
    assert api_post(client, ASSIGNMENTS, body).status_code == 404


def test_assignment_kind_without_its_target_is_422(county, api):
    body = {"user": str(county.gridworker.public_id), "kind": "grid"}
    response = api_post(api(county.community), ASSIGNMENTS, body)
    assert response.status_code == 422
    assert "region_code" in response.json()["fields"]


def test_outsider_gets_404_for_assignments(county, api):
    assignment = Assignment.objects.get(user=county.teammember)
    client = api(county.outsider)
    assert client.get(ASSIGNMENTS).status_code == 404
    assert client.delete(f"{ASSIGNMENTS}/{assignment.public_id}").status_code == 404
    town_b_officer = make_user("townb", Role.TOWN_OFFICER, county.town_b)
    other = api(town_b_officer)
    assert items(other.get(ASSIGNMENTS)) == []
    assert other.delete(f"{ASSIGNMENTS}/{assignment.public_id}").status_code == 404
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_assignment_list_filters_and_query_count(county, api, django_assert_max_num_queries):
    from tests.conftest import make_person

    for n in range(15):
        person = make_person(county.grid_a1_1, f"对象{n}")
        Assignment.objects.create(
            user=county.teammember, kind="person", person=person, path=person.path
        )
    Assignment.objects.create(
        user=county.gridworker, kind="grid", region=county.grid_a1_1, path=county.grid_a1_1.path
    )
    client = api(county.town)
    client.get(ASSIGNMENTS)
    with django_assert_max_num_queries(6):
        response = client.get(ASSIGNMENTS)
    assert len(items(response)) == 17
    assert len(items(client.get(ASSIGNMENTS, {"kind": "grid"}))) == 1
    assert len(items(client.get(ASSIGNMENTS, {"region": county.grid_a1_2.code}))) == 1
    mine = items(client.get(ASSIGNMENTS, {"user": str(county.gridworker.public_id)}))
    assert [a["kind"] for a in mine] == ["grid"]
