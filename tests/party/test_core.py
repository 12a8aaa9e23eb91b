"""The party core every domain app builds on: the organization tree, its two kinds of
scope, memberships with history, community registrations, teams."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from bastion.party.models import Membership, RegistrationChannel, TeamKind, Tier
from bastion.party.selectors import (
    member_list,
    organization_get,
    organization_list,
    registration_in_force_covering,
    registration_list,
)
from bastion.party.services import (
    member_transfer,
    organization_close,
    organization_create,
    registration_decide,
    registration_submit,
    team_create,
    team_member_add,
)


def _codes(qs):
    return set(qs.values_list("code", flat=True))


def test_town_committee_officer_sees_its_subtree_only(party_tree):
    seen = _codes(organization_list(user=party_tree.secretary_a))
    assert seen == {"430121001", "430121001001", "430121001T01"}


def test_organization_department_by_org_path_sees_the_whole_tree(party_tree):
    assert len(_codes(organization_list(user=party_tree.orgdept_tree))) == 7


def test_town_officer_sees_organizations_sitting_in_her_town(county, party_tree):
    seen = _codes(organization_list(user=county.town))
    assert seen == {"430121001", "430121001001", "430121001T01"}


def test_party_outsider_gets_404_for_an_organization_next_door(party_tree):
    with pytest.raises(Http404):
        organization_get(user=party_tree.secretary_b, public_id=party_tree.branch_a1.public_id)


def test_users_without_party_roles_see_no_organizations(county, party_tree):
    assert not organization_list(user=county.gridworker).exists()
    assert not organization_list(user=county.nobody).exists()


def test_officer_cannot_create_under_an_organization_outside_her_tree(party_tree):
    with pytest.raises(Http404):
        organization_create(
            actor=party_tree.secretary_a,
            code="X1",
            name="x",
            tier=Tier.BRANCH,
            sector="other",
            parent=party_tree.town_b,
        )


def test_no_organization_below_a_branch(party_tree):
    with pytest.raises(ValidationError):
        organization_create(
            actor=party_tree.secretary_a,
            code="X2",
            name="x",
            tier=Tier.BRANCH,
            sector="other",
            parent=party_tree.branch_a1,
        )


def test_temporary_branch_needs_site_and_opening_date(party_tree):
    with pytest.raises(ValidationError) as err:
        organization_create(
            actor=party_tree.secretary_a,
            code="T9",
            name="临时",
            tier=Tier.TEMPORARY_BRANCH,
            sector="other",
            parent=party_tree.town_a,
        )
    assert {"site_kind", "opened_on"} <= set(err.value.message_dict)


def test_closing_a_temporary_branch_before_it_opened_is_refused(party_tree):
    with pytest.raises(ValidationError):
        organization_close(
            actor=party_tree.secretary_a,
            organization=party_tree.temporary,
            closed_on=dt.date(2020, 1, 1),
        )
    organization_close(
        actor=party_tree.secretary_a,
        organization=party_tree.temporary,
        closed_on=dt.date(2020, 3, 1),
    )
    party_tree.temporary.refresh_from_db()
    assert party_tree.temporary.closed_on == dt.date(2020, 3, 1)


def test_transfer_keeps_the_history(party_tree):
    wang = party_tree.members["wang"]
    moved_on = timezone.localdate() + dt.timedelta(days=1)
    member_transfer(
        actor=party_tree.orgdept_tree,
        member=wang,
        to=party_tree.temporary,
        on=moved_on,
        reason="调入卡口",
    )
    stays = list(Membership.objects.filter(member=wang).order_by("started_on"))
    assert [s.organization.code for s in stays][-1] == "430121001T01"
    assert stays[0].ended_on == moved_on and stays[-1].ended_on is None
    assert member_list(user=party_tree.secretary_a).filter(pk=wang.pk).exists()


def test_registration_online_only_by_the_member_and_confirmed_by_the_community(county, party_tree):
    zhang = party_tree.members["zhang"]
    with pytest.raises(Http404):
        registration_submit(
            actor=county.gridworker,
            member=zhang,
            community=county.community_a1,
            channel=RegistrationChannel.ONLINE,
        )
    registration = registration_submit(
        actor=county.community,
        member=zhang,
        community=county.community_a1,
        channel=RegistrationChannel.OFFLINE,
        skills=["驾驶", " "],
    )
    assert registration.skills == ["驾驶"]
    with pytest.raises(ValidationError):
        registration_submit(
            actor=county.community,
            member=zhang,
            community=county.community_a1,
            channel=RegistrationChannel.OFFLINE,
        )
    assert (
        registration_in_force_covering(person_id=zhang.person_id, region_path=county.grid_a1_1.path)
        is None
    )
    registration_decide(actor=county.community, registration=registration, confirm=True)
    found = registration_in_force_covering(
        person_id=zhang.person_id, region_path=county.grid_a1_1.path
    )
    assert found == registration
    assert (
        registration_in_force_covering(person_id=zhang.person_id, region_path=county.grid_b1_1.path)
        is None
    )


def test_employer_organization_sees_its_members_registrations(county, party_tree):
    registration = registration_submit(
        actor=county.community,
        member=party_tree.members["zhang"],
        community=county.community_a1,
        channel=RegistrationChannel.OFFLINE,
    )
    assert registration_list(user=party_tree.orgdept_tree).filter(pk=registration.pk).exists()
    assert registration_list(user=county.community).filter(pk=registration.pk).exists()
    assert not registration_list(user=party_tree.secretary_b).filter(pk=registration.pk).exists()


def test_team_membership_is_unique_while_active(county, party_tree):
    team = team_create(
        actor=party_tree.secretary_a,
        organization=party_tree.town_a,
        kind=TeamKind.VANGUARD,
        name="星沙先锋队",
        region=county.town_a,
    )
    seat = team_member_add(actor=party_tree.secretary_a, team=team, person=county.people["wang"])
    assert seat.member == party_tree.members["wang"]
    with pytest.raises(ValidationError):
        team_member_add(actor=party_tree.secretary_a, team=team, person=county.people["wang"])


def test_service_record_entry_is_added_once_per_source_reference(county, party_tree):
    from decimal import Decimal

    from bastion.party.models import ServiceRecordEntry
    from bastion.party.services import service_record_add

    zhang = party_tree.members["zhang"]
    kwargs = {
        "actor": None,
        "member": zhang,
        "served_on": dt.date(2020, 2, 3),
        "hours": Decimal("3.5"),
        "description": "卡口值守",
        "community": county.community_a1,
        "source": "volunteers",
        "source_ref": "attendance-1",
    }
    first = service_record_add(**kwargs)
    again = service_record_add(**kwargs)
    assert first.pk == again.pk
    assert ServiceRecordEntry.objects.filter(member=zhang).count() == 1
    assert first.org_path == party_tree.organ.path
    with pytest.raises(ValidationError):
        service_record_add(**{**kwargs, "source_ref": "attendance-2", "hours": Decimal("-1")})
