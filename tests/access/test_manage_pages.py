"""The management pages: user list, user page, create user, grants, assignments on grid/person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bastion.access.models import Assignment, RoleAssignment, User
from bastion.access.roles import Role
from bastion.core.models import AuditEntry
from tests.conftest import make_user

USERS = "/manage/users/"


def user_url(user) -> str:
    return reverse("access:manage_user", args=[user.public_id])


# --- User list and user page --------------------------------------------------------------


def test_town_officer_lists_users_of_her_town(county, login):
    response = login(county.town).get(USERS)
    assert response.status_code == 200
    names = {u.username for u in response.context["page"].object_list}
    assert "gridworker" in names and "outsider" not in names and "command" not in names


def test_user_list_search_and_empty_state(county, login):
    client = login(county.community)
    response = client.get(USERS, {"q": "gridw"})
    assert [u.username for u in response.context["page"].object_list] == ["gridworker"]
    response = client.get(USERS, {"q": "没有这个人"})
    assert "没有找到与" in response.content.decode()


def test_user_list_query_count_is_pinned(county, login, django_assert_max_num_queries):
    for n in range(30):
        make_user(f"grid{n:02d}", Role.GRID_WORKER, county.grid_a1_2)
    client = login(county.town)
    client.get(USERS)
    with django_assert_max_num_queries(10):
        response = client.get(USERS)
    assert len(response.context["page"].object_list) == 30
    assert "下一页" in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "nobody", "gridworker"])
def test_outsider_and_non_managers_get_404_for_user_pages(county, login, persona):
    client = login(getattr(county, persona))
    assert client.get(user_url(county.gridworker)).status_code == 404
    assert client.get(reverse("access:manage_user_create")).status_code == 404
    if persona != "outsider":
        assert client.get(USERS).status_code == 404


def test_town_officer_gets_404_for_a_user_of_the_neighbouring_town(county, login):
    assert login(county.town).get(user_url(county.outsider)).status_code == 404


def test_user_page_shows_roles_with_revoke_link_and_grant_form(county, login):
    response = login(county.town).get(user_url(county.gridworker))
    html = response.content.decode()
    assert response.status_code == 200
    assert "网格员" in html and "撤销" in html
    region_codes = [c for c, _label in response.context["grant_form"].fields["region"].choices]
    assert county.grid_a1_1.code in region_codes
    assert county.grid_b1_1.code not in region_codes
    assert county.county.code not in region_codes
    roles = [r for r, _label in response.context["grant_form"].fields["role"].choices]
    assert Role.COUNTY_COMMAND not in roles and Role.GRID_WORKER in roles


# --- Creating a user ----------------------------------------------------------------------


def test_create_user_shows_the_one_time_password_once(county, login):
    client = login(county.community)
    response = client.post(
        reverse("access:manage_user_create"),
        {
            "username": "zhouli",
            "full_name": "周丽",
            "email": "",
            "role": Role.GRID_WORKER,
            "region": county.grid_a1_2.code,
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = response.context["password"]
    user = User.objects.get(username="zhouli")
    assert user.check_password(password)
    assert password in response.content.decode()
    assert client.get(user_url(user)).status_code == 200
    assert password not in client.get(user_url(user)).content.decode()


def test_create_user_form_rejects_a_role_above_the_manager(county, login):
    response = login(county.community).post(
        reverse("access:manage_user_create"),
        {
            "username": "boss",
            "full_name": "越级",
            "role": Role.TOWN_OFFICER,
            "region": county.community_a1.code,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(username="boss").exists()


# --- Grants ----------------------------------------------------------------------------


def test_grant_then_revoke_with_confirmation(county, login):
    client = login(county.town)
    response = client.post(
        reverse("access:manage_grant", args=[county.volunteer.public_id]),
        {"role": Role.GRID_WORKER, "region": county.grid_a1_2.code},
    )
    assert response.status_code == 302
    grant = RoleAssignment.objects.get(user=county.volunteer, role=Role.GRID_WORKER)
    url = reverse("access:manage_grant_revoke", args=[county.volunteer.public_id, grant.public_id])
    confirm = client.get(url)
    assert "确认撤销" in confirm.content.decode()
    assert RoleAssignment.objects.filter(pk=grant.pk).exists()
    assert client.post(url).status_code == 302
    assert not RoleAssignment.objects.filter(pk=grant.pk).exists()


def test_town_officer_cannot_grant_county_command_from_the_page(county, login):
    response = login(county.town).post(
        reverse("access:manage_grant", args=[county.community.public_id]),
        {"role": Role.COUNTY_COMMAND, "region": county.town_a.code},
    )
    assert response.status_code == 422
    assert not RoleAssignment.objects.filter(user=county.community, role=Role.COUNTY_COMMAND)


def test_outsider_gets_404_for_grant_revoke_page(county, login):
    grant = RoleAssignment.objects.get(user=county.gridworker)
    url = reverse("access:manage_grant_revoke", args=[county.gridworker.public_id, grant.public_id])
    assert login(county.outsider).post(url).status_code == 404
    assert RoleAssignment.objects.filter(pk=grant.pk).exists()


def test_deactivate_asks_for_confirmation_then_stops_the_user(county, login):
    client = login(county.community)
    url = reverse("access:manage_user_deactivate", args=[county.gridworker.public_id])
    assert "确认" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    county.gridworker.refresh_from_db()
    assert not county.gridworker.is_active
    url = reverse("access:manage_user_reactivate", args=[county.gridworker.public_id])
    assert client.post(url).status_code == 302
    county.gridworker.refresh_from_db()
    assert county.gridworker.is_active


# --- Assignments on the grid page and the person page --------------------------------------


def test_grid_page_shows_responsible_box_with_add_form_for_managers(county, login):
    grid_url = reverse("geo:grid", args=[county.grid_a1_1.code])
    client = login(county.community)
    html = client.get(grid_url).content.decode()
    assert "责任人（包片）" in html and "添加责任人" in html
    response = client.post(
        reverse("access:manage_assignment_add"),
        {
            "kind": "grid",
            "target": county.grid_a1_1.code,
            "user": str(county.gridworker.public_id),
            "next": grid_url,
        },
    )
    assert response.status_code == 302 and response["Location"] == grid_url
    assignment = Assignment.objects.get(user=county.gridworker, kind="grid")
    assert AuditEntry.objects.filter(
        object_id=str(county.gridworker.public_id), action="grant", path=county.grid_a1_1.path
    ).exists()
    worker_html = login(county.gridworker).get(grid_url).content.decode()
    assert "gridworker" in worker_html and "grid-responsible-user" not in worker_html
    client = login(county.community)
    remove = reverse("access:manage_assignment_remove", args=[assignment.public_id])
    assert "确认移除" in client.get(remove, {"next": grid_url}).content.decode()
    assert client.post(remove, {"next": grid_url})["Location"] == grid_url
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_grid_page_query_count_with_responsible_box(county, login, django_assert_max_num_queries):
    for n in range(5):
        make_user(f"g{n}", Role.GRID_WORKER, county.grid_a1_1)
    url = reverse("geo:grid", args=[county.grid_a1_1.code])
    client = login(county.community)
    client.get(url)
    with django_assert_max_num_queries(16):
        client.get(url)


def test_team_member_sees_person_right_after_assignment_from_person_page(county, login):
    zhang = county.people["zhang"]
    person_url = reverse("people:person", args=[zhang.public_id])
    assert login(county.teammember).get(person_url).status_code == 404
    manager = login(county.town)
    assert "责任人（包人、包户）" in manager.get(person_url).content.decode()
    response = manager.post(
        reverse("access:manage_assignment_add"),
        {
            "kind_target": f"person:{zhang.public_id}",
            "user": str(county.teammember.public_id),
            "next": person_url,
        },
    )
    assert response["Location"] == person_url
    assert login(county.teammember).get(person_url).status_code == 200


def test_assignment_add_out_of_scope_does_nothing(county, login):
    zhao = county.people["zhao"]
    response = login(county.town).post(
        reverse("access:manage_assignment_add"),
        {"kind_target": f"person:{zhao.public_id}", "user": str(county.teammember.public_id)},
        follow=True,
    )
    assert "不在你的管辖范围内" in response.content.decode()
    assert not Assignment.objects.filter(person=zhao).exists()


def test_outsider_gets_404_for_assignment_remove(county, login):
    assignment = Assignment.objects.get(user=county.teammember)
    url = reverse("access:manage_assignment_remove", args=[assignment.public_id])
    assert login(county.outsider).get(url).status_code == 404
    assert login(county.outsider).post(url).status_code == 404
    assert Assignment.objects.filter(pk=assignment.pk).exists()
