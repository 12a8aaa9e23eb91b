"""The party part of the demo restates the scenario's figures from the records: in full
for the full demo county, in proportion (by villages and communities) for smaller ones."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from bastion.access.models import User
from bastion.core.indicators import Scope, all_indicators
from bastion.party.demo.names import FULL, FULL_UNITS
from bastion.party.demo.structure import scaled
from bastion.party.models import MobilizationRecipient, PartyMember, RegistrationStatus

SMALL = ["--towns", "3", "--villages", "2", "--grids", "2", "--households", "3"]


def test_full_figures_restate_the_scenario():
    assert FULL["liaison"] == 11 and FULL["temporary"] == 82
    assert 1850 <= FULL["organizations"] <= 1950
    assert FULL["members"] > 44000 and FULL["medical"] > 600
    assert FULL["registered"] > 5000 and FULL["registered_organ"] > 2000
    assert FULL["vanguard"] > 200 and FULL["volunteer"] > 310
    assert FULL["fees"] == 1_060_000


@pytest.fixture
def small_demo(db):
    call_command("demo", *SMALL, "--seed", "11", verbosity=0)
    return User.objects.get(username="admin")


def _figure(code: str, user) -> int:
    return all_indicators()[code].count(Scope(user=user), timezone.now())


def test_small_demo_gets_the_figures_in_proportion(small_demo):
    ratio = 6 / FULL_UNITS
    admin = small_demo
    assert _figure("party_organizations", admin) == scaled(FULL["organizations"], ratio, 10)
    # The volunteers demo later enrolls a handful of its volunteers (at most 3 per
    # community it seeds); the party seed's own share is exact.
    members = _figure("party_members", admin)
    assert scaled(FULL["members"], ratio, 50) <= members <= scaled(FULL["members"], ratio, 50) + 30
    assert _figure("party_medical_members", admin) >= scaled(FULL["medical"], ratio, 5)
    assert _figure("party_employed_registered", admin) >= scaled(FULL["registered"], ratio, 5)
    breakdown = all_indicators()["party_employed_registered"].breakdown(
        Scope(user=admin), timezone.now()
    )
    organs = {key: n for key, _label, n in breakdown}
    assert organs["organ"] >= scaled(FULL["registered_organ"], ratio, 3)
    assert _figure("party_temporary_branches_open", admin) == scaled(FULL["temporary"], ratio)
    assert _figure("party_vanguard_teams", admin) == scaled(FULL["vanguard"], ratio)
    assert _figure("party_volunteer_teams", admin) == scaled(FULL["volunteer"], ratio)
    assert _figure("party_liaison_groups", admin) == scaled(FULL["liaison"], ratio, 2)
    assert _figure("party_fees_granted", admin) == scaled(FULL["fees"], ratio, 10000)
    assert _figure("party_fees_left", admin) >= 0
    assert _figure("party_exemplars_published", admin) >= 2
    assert 0 < _figure("party_call_response_rate", admin) < 100


def test_small_demo_members_are_people_of_the_registry_with_logins_for_the_demo(small_demo):
    assert not PartyMember.objects.filter(person__isnull=True).exists()
    member = PartyMember.objects.get(user__username="member")
    registration = member.registrations.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert MobilizationRecipient.objects.filter(member=member).exists()
    secretary = User.objects.get(username="secretary")
    assert secretary.roles.get().org_path.startswith("/430121/430121001/")
    orgdept = User.objects.get(username="orgdept")
    assert _figure("party_members", orgdept) == _figure("party_members", small_demo)
