"""Organization pages and API: the tree is scoped (a town committee sees its subtree only),
create and edit, temporary branches with secondments, the organization-officer grant."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from bastion.access.models import RoleAssignment
from bastion.access.roles import Role
from bastion.core.models import AuditEntry
from bastion.party import services
from bastion.party.models import Organization, Secondment, Tier
from tests.mixins import api_post

API = "/api/v1/party"


def _codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["code"] for item in response.json()["items"]}


def test_town_committee_officer_sees_only_her_subtree_in_the_api(party_tree, login):
    codes = _codes(login(party_tree.secretary_a).get(f"{API}/organizations"))
    assert codes == {"430121001", "430121001001", "430121001T01"}


def test_tree_page_starts_at_the_top_of_the_users_subtree(party_tree, login):
    page = login(party_tree.secretary_a).get("/party/organizations/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "星沙街道党工委" in html
    assert "黄兴镇党委" not in html and "中共长沙县委员会" not in html


def test_tree_search_finds_only_visible_organizations(party_tree, login):
    client = login(party_tree.secretary_b)
    html = client.get("/party/organizations/", {"q": "松雅"}).content.decode()
    assert "松雅社区党支部" not in html
    html = (
        login(party_tree.orgdept_tree).get("/party/organizations/", {"q": "松雅"}).content.decode()
    )
    assert "松雅社区党支部" in html


def test_drill_down_shows_children_and_the_visible_ancestors(party_tree, login):
    client = login(party_tree.orgdept_tree)
    html = client.get(f"/party/organizations/{party_tree.town_a.public_id}/").content.decode()
    assert "松雅社区党支部" in html and "星沙高速卡口临时党支部" in html
    html = client.get(f"/party/organizations/{party_tree.branch_a1.public_id}/").content.decode()
    assert "中共长沙县委员会" in html  # the breadcrumb
    # The secretary of town A does not see the county committee above her.
    html = (
        login(party_tree.secretary_a)
        .get(f"/party/organizations/{party_tree.branch_a1.public_id}/")
        .content.decode()
    )
    assert "中共长沙县委员会" not in html


def test_party_outsider_gets_404_for_an_organization_of_another_town(party_tree, login):
    client = login(party_tree.secretary_b)
    assert client.get(f"/party/organizations/{party_tree.town_a.public_id}/").status_code == 404
    assert client.get(f"{API}/organizations/{party_tree.town_a.public_id}").status_code == 404


def test_officer_creates_a_branch_in_her_subtree_through_the_page(party_tree, login, county):
    client = login(party_tree.secretary_a)
    response = client.post(
        f"/party/organizations/{party_tree.town_a.public_id}/new/",
        {
            "code": "430121001002",
            "name": "星沙第二支部",
            "tier": "branch",
            "sector": "community",
            "region": county.community_a1.code,
        },  # fmt: skip
    )
    assert response.status_code == 302
    org = Organization.objects.get(code="430121001002")
    assert org.path == "/430121/430121001/430121001002/" and org.region == county.community_a1
    assert AuditEntry.objects.filter(object_id=str(org.public_id), action="create").exists()


def test_duplicate_code_and_region_outside_the_parent_are_refused_with_clear_messages(
    party_tree, county, login
):
    client = login(party_tree.secretary_a)
    response = client.post(
        f"/party/organizations/{party_tree.town_a.public_id}/new/",
        {
            "code": "430121001001",
            "name": "重复",
            "tier": "branch",
            "sector": "other",
            "region": county.community_b1.code,
        },  # fmt: skip
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "找不到区域或不在范围内" in html
    assert Organization.objects.filter(name="重复").count() == 0


def test_town_officer_sees_but_may_not_create_organizations(county, party_tree):
    with pytest.raises(PermissionDenied):
        services.organization_create(
            actor=county.town,
            code="X9",
            name="x",
            tier=Tier.BRANCH,
            sector="other",
            parent=party_tree.town_a,
        )


def test_api_update_of_an_organization_seen_but_not_managed_is_403(county, party_tree, login):
    response = login(county.town).patch(
        f"{API}/organizations/{party_tree.town_a.public_id}",
        data='{"name": "改名"}',
        content_type="application/json",
    )
    assert response.status_code == 403
    party_tree.town_a.refresh_from_db()
    assert party_tree.town_a.name == "星沙街道党工委"


def test_edit_keeps_code_and_audits_the_change(party_tree, login):
    client = login(party_tree.secretary_a)
    response = client.post(
        f"/party/organizations/{party_tree.branch_a1.public_id}/edit/",
        {"name": "松雅社区党委", "sector": "community", "secretary": "易书记", "region": ""},
    )
    assert response.status_code == 302
    party_tree.branch_a1.refresh_from_db()
    assert (
        party_tree.branch_a1.name == "松雅社区党委" and party_tree.branch_a1.code == "430121001001"
    )
    entry = AuditEntry.objects.get(object_id=str(party_tree.branch_a1.public_id), action="update")
    assert entry.changes["name"] == ["松雅社区党支部", "松雅社区党委"]


def test_temporary_branch_through_the_api_needs_where_why_and_when(party_tree, login):
    client = login(party_tree.secretary_a)
    response = api_post(
        client,
        f"{API}/organizations",
        {
            "parent": str(party_tree.town_a.public_id),
            "code": "430121001T02",
            "name": "隔离点临时党支部",
            "tier": "temporary_branch",
            "sector": "other",
        },  # fmt: skip
    )
    assert response.status_code == 422
    assert {"site_kind", "opened_on"} <= set(response.json()["fields"])
    response = api_post(
        client,
        f"{API}/organizations",
        {
            "parent": str(party_tree.town_a.public_id),
            "code": "430121001T02",
            "name": "隔离点临时党支部",
            "tier": "temporary_branch",
            "sector": "other",
            "site_kind": "community",
            "site_name": "星沙集中隔离点",
            "purpose": "隔离观察",
            "opened_on": "2020-01-28",
        },  # fmt: skip
    )
    assert response.status_code == 201, response.content
    assert response.json()["site_name"] == "星沙集中隔离点"


def test_secondment_to_a_temporary_branch_ends_when_the_branch_closes(party_tree, login):
    client = login(party_tree.secretary_a)
    branch = party_tree.temporary
    response = client.post(
        f"/party/organizations/{branch.public_id}/second/",
        {"member": "王小明", "duty": "卡口值守", "started_on": "2020-01-27"},
    )
    assert response.status_code == 302
    secondment = Secondment.objects.get(branch=branch)
    assert secondment.member == party_tree.members["wang"] and secondment.ended_on is None
    # The member keeps their own organization.
    assert party_tree.members["wang"].organization == party_tree.branch_a1
    services.organization_close(
        actor=party_tree.secretary_a, organization=branch, closed_on=dt.date(2020, 3, 1)
    )
    secondment.refresh_from_db()
    assert secondment.ended_on == dt.date(2020, 3, 1)


def test_secondment_before_the_branch_opened_is_refused(party_tree):
    with pytest.raises(ValidationError) as err:
        services.secondment_add(
            actor=party_tree.secretary_a,
            branch=party_tree.temporary,
            member=party_tree.members["wang"],
            started_on=dt.date(2020, 1, 1),
        )
    assert "started_on" in err.value.message_dict


def test_secondment_of_a_member_out_of_sight_is_404(party_tree):
    with pytest.raises(Http404):
        services.secondment_add(
            actor=party_tree.secretary_a,
            branch=party_tree.temporary,
            member=party_tree.members["zhao"],
        )


def test_manager_grants_org_officer_over_a_branch_and_it_is_audited(party_tree, county, login):
    client = login(party_tree.secretary_a)
    response = client.post(
        f"/party/organizations/{party_tree.branch_a1.public_id}/officers/",
        {"g-username": "gridworker", "grant": "1"},
    )
    assert response.status_code == 302
    grant = RoleAssignment.objects.get(user=county.gridworker, role=Role.ORG_OFFICER)
    assert grant.org_path == party_tree.branch_a1.path and grant.region is None
    assert grant.granted_by == party_tree.secretary_a
    assert AuditEntry.objects.filter(
        action="grant", object_id=str(county.gridworker.public_id)
    ).exists()
    # The new officer now manages the branch (and nothing above it).
    from bastion.party.selectors import organization_list

    seen = set(organization_list(user=county.gridworker).values_list("code", flat=True))
    assert "430121001001" in seen and "430121001" not in seen


def test_new_officer_account_shows_its_password_once_and_is_not_cached(party_tree, login):
    client = login(party_tree.secretary_a)
    response = client.post(
        f"/party/organizations/{party_tree.branch_a1.public_id}/officers/",
        {"a-username": "songya_sec", "a-full_name": "易秀英", "create": "1"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "songya_sec" in response.content.decode()
    assert RoleAssignment.objects.filter(
        user__username="songya_sec", role=Role.ORG_OFFICER, org_path=party_tree.branch_a1.path
    ).exists()


def test_only_managers_of_the_subtree_grant_the_role(party_tree, county, login):
    # secretary_b does not see town A: 404; the town officer sees it but manages nothing: 404
    # on the officers page (its existence is not the point there) and 403 from the service.
    assert (
        login(party_tree.secretary_b)
        .get(f"/party/organizations/{party_tree.branch_a1.public_id}/officers/")
        .status_code
        == 404
    )
    assert (
        login(county.town)
        .get(f"/party/organizations/{party_tree.branch_a1.public_id}/officers/")
        .status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        services.org_officer_grant(
            actor=county.town, organization=party_tree.branch_a1, user=county.gridworker
        )
    assert not RoleAssignment.objects.filter(role=Role.ORG_OFFICER, user=county.gridworker).exists()


def test_an_officer_cannot_grant_to_herself_or_revoke_her_own_grant(party_tree):
    with pytest.raises(ValidationError):
        services.org_officer_grant(
            actor=party_tree.secretary_a,
            organization=party_tree.branch_a1,
            user=party_tree.secretary_a,
        )
    own = RoleAssignment.objects.get(user=party_tree.secretary_a)
    with pytest.raises(ValidationError):
        services.org_officer_revoke(actor=party_tree.secretary_a, grant=own)


def test_revoke_through_the_api_is_audited(party_tree, county, login):
    grant = services.org_officer_grant(
        actor=party_tree.secretary_a, organization=party_tree.branch_a1, user=county.gridworker
    )
    client = login(party_tree.secretary_a)
    response = client.delete(
        f"{API}/organizations/{party_tree.branch_a1.public_id}/officers/{grant.public_id}"
    )
    assert response.status_code == 204
    assert not RoleAssignment.objects.filter(pk=grant.pk).exists()
    assert AuditEntry.objects.filter(
        action="revoke", object_id=str(county.gridworker.public_id)
    ).exists()


def test_registration_target_is_set_by_the_organization_and_shown_against_the_rate(
    world, party_tree, login
):
    client = login(party_tree.orgdept_tree)
    response = client.post(
        f"/party/organizations/{party_tree.organ.public_id}/target/", {"target": "80"}
    )
    assert response.status_code == 302
    rate = client.get(f"{API}/organizations/{party_tree.organ.public_id}/registration-rate").json()
    assert rate["rate"] == {**rate["rate"], "employed": 1, "registered": 1, "rate": 100.0,
                            "target": 80, "meets_target": True}  # fmt: skip
    response = client.post(
        f"/party/organizations/{party_tree.organ.public_id}/target/", {"target": "120"}
    )
    assert response.status_code == 422
    party_tree.organ.refresh_from_db()
    assert party_tree.organ.registration_target == 80


def test_closing_a_branch_that_is_not_temporary_is_refused(party_tree):
    with pytest.raises(ValidationError):
        services.organization_close(
            actor=party_tree.secretary_a,
            organization=party_tree.branch_a1,
            closed_on=timezone.localdate(),
        )
