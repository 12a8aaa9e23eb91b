"""Teams, responsibility zones and vanguard posts (each answered for by a named member),
and liaison groups paired with key units with a log of visits."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from bastion.party import services
from bastion.party.models import LiaisonVisit, ResponsibilityZone, Team, TeamMember
from tests.mixins import api_post
from tests.party.conftest import png_file

API = "/api/v1/party"


def test_team_is_formed_with_leader_and_members_through_the_page(party_tree, county, login):
    client = login(party_tree.secretary_a)
    response = client.post(
        "/party/teams/new/",
        {
            "organization": "430121001",
            "kind": "volunteer_service",
            "name": "松雅志愿服务队",
            "region": county.community_a1.code,
            "leader": "王小明",
            "purpose": "代购送药",
        },  # fmt: skip
    )
    assert response.status_code == 302
    team = Team.objects.get(name="松雅志愿服务队")
    assert team.leader == party_tree.members["wang"] and team.region == county.community_a1
    response = client.post(f"/party/teams/{team.public_id}/", {"member": "王小明", "role": "队长"})
    assert response.status_code == 302
    assert TeamMember.objects.filter(team=team, left_on__isnull=True).count() == 1


def test_team_area_outside_the_organization_is_refused(party_tree, county):
    with pytest.raises(ValidationError):
        services.team_create(
            actor=party_tree.secretary_a, organization=party_tree.branch_a1, kind="vanguard",
            name="x", region=county.community_b1,
        )  # fmt: skip


def test_disbanding_ends_every_seat(world, party_tree):
    services.team_disband(actor=party_tree.secretary_a, team=world.team, on=timezone.localdate())
    assert not world.team.members.filter(left_on__isnull=True).exists()
    with pytest.raises(ValidationError):
        services.team_member_add(
            actor=party_tree.secretary_a, team=world.team, person=party_tree.members["wang"].person
        )


def test_zone_is_answered_for_by_a_named_member_and_can_change_hands(world, party_tree, login):
    client = login(party_tree.secretary_a)
    html = client.get("/party/zones/").content.decode()
    assert "松雅1栋责任区" in html and "王小明" in html
    with pytest.raises(ValidationError):  # already hers
        services.answered_reassign(
            actor=party_tree.secretary_a, record=world.zone, member=party_tree.members["wang"]
        )
    with pytest.raises(Http404):  # town B's member is out of her sight
        services.answered_reassign(
            actor=party_tree.secretary_a, record=world.zone, member=party_tree.members["zhao"]
        )


def test_post_and_zone_through_the_api(party_tree, login):
    client = login(party_tree.secretary_a)
    wang = str(party_tree.members["wang"].public_id)
    response = api_post(
        client, f"{API}/posts",
        {"organization": "430121001T01", "member": wang, "name": "夜班先锋岗", "place": "收费站"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["place"] == "收费站" and response.json()["member_name"] == "王小明"
    response = api_post(
        client,
        f"{API}/zones",
        {"organization": "430121001001", "member": wang, "name": "2栋责任区"},
    )
    assert response.status_code == 201
    end = api_post(
        client, f"{API}/zones/{response.json()['public_id']}/end", {"ended_on": "2000-01-01"}
    )
    assert end.status_code == 422
    assert ResponsibilityZone.objects.filter(name="2栋责任区", ended_on__isnull=True).exists()


def test_liaison_group_logs_visits_to_its_key_units_only(world, party_tree, login):
    client = login(party_tree.orgdept_tree)
    response = client.post(
        f"/party/liaison/{world.group.public_id}/visit/",
        {
            "unit": str(party_tree.town_a.public_id),
            "visited_on": timezone.localdate().isoformat(),
            "findings": "物资储备不足",
            "attachments": [png_file()],
        },  # fmt: skip
    )
    assert response.status_code == 302, response.content.decode()[:600]
    visit = LiaisonVisit.objects.get(findings="物资储备不足")
    assert visit.attachments.count() == 1
    with pytest.raises(ValidationError) as err:
        services.liaison_visit_record(
            actor=party_tree.orgdept_tree, group=world.group, unit=party_tree.town_b,
            visited_on=timezone.localdate(), findings="x",
        )  # fmt: skip
    assert "unit" in err.value.message_dict


def test_group_users_record_visits_and_see_the_group(world, party_tree, county, login):
    assert (
        login(county.gridworker).get(f"/party/liaison/{world.group.public_id}/").status_code == 404
    )
    services.liaison_group_user_add(
        actor=party_tree.orgdept_tree, group=world.group, user=county.gridworker
    )
    client = login(county.gridworker)
    assert client.get(f"/party/liaison/{world.group.public_id}/").status_code == 200
    response = client.post(
        f"{API}/liaison-groups/{world.group.public_id}/visits",
        {
            "unit": "430121001",
            "visited_on": timezone.localdate().isoformat(),
            "findings": "排查到位",
        },
    )
    assert response.status_code == 201, response.content


def test_the_visit_form_is_for_those_who_may_record_a_visit(world, party_tree, county, login):
    """The county command sees the group (party.view) but may not record a visit: the
    form does not exist for her (404, like the group page's writes); the organization
    department and the group's own users get it."""
    group_page = f"/party/liaison/{world.group.public_id}/"
    url = f"{group_page}visit/"
    data = {
        "unit": str(party_tree.town_a.public_id),
        "visited_on": timezone.localdate().isoformat(),
        "findings": "不该记下的走访",
    }
    viewer = login(county.command)
    assert viewer.get(group_page).status_code == 200
    assert viewer.get(url).status_code == 404
    assert viewer.post(url, data).status_code == 404
    assert not LiaisonVisit.objects.filter(findings="不该记下的走访").exists()
    assert login(party_tree.orgdept_tree).get(url).status_code == 200
    assert login(county.gridworker).get(url).status_code == 404
    services.liaison_group_user_add(
        actor=party_tree.orgdept_tree, group=world.group, user=county.gridworker
    )
    assert login(county.gridworker).get(url).status_code == 200


def test_liaison_groups_are_the_organization_departments(world, party_tree, login):
    assert (
        login(party_tree.secretary_a).get(f"/party/liaison/{world.group.public_id}/").status_code
        == 404
    )
    items = login(party_tree.orgdept_tree).get(f"{API}/liaison-groups").json()["items"]
    assert [g["name"] for g in items] == ["第一联点小组"]
    assert [u["code"] for u in items[0]["units"]] == ["430121001"]


def test_seats_are_addressed_by_the_persons_public_id(world, party_tree, login):
    wang = party_tree.members["wang"].person
    client = login(party_tree.secretary_a)
    response = client.delete(f"{API}/teams/{world.team.public_id}/members/{wang.public_id}")
    assert response.status_code == 204
    assert not world.team.members.filter(left_on__isnull=True).exists()
    assert (
        client.get(
            f"/party/teams/{world.team.public_id}/seats/{wang.public_id}/remove/"
        ).status_code
        == 404
    )
