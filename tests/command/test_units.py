"""Units: keys, who acts for which unit, who answers for a target, the receiving level."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bastion.access.roles import Perm
from bastion.command.units import (
    acts_for_unit,
    answers_for,
    issuing_units,
    org_unit,
    own_users,
    parent_unit,
    receiving_region,
    region_unit,
    unit_from_key,
    users_answering,
)


def test_keys_name_regions_organizations_and_teams(county, party_tree):
    assert unit_from_key(f"region:{county.town_a.code}").region == county.town_a
    assert unit_from_key(f"org:{party_tree.branch_a1.code}").organization == party_tree.branch_a1
    for bad in ("", "region:", "region:000", "org:nope", "team:not-a-uuid", "galaxy:1"):
        with pytest.raises(ValidationError):
            unit_from_key(bad)


def test_region_grants_act_for_regions_and_org_grants_for_organizations(county, party_tree):
    town_a, branch = region_unit(county.town_a), org_unit(party_tree.branch_a1)
    assert acts_for_unit(county.town, Perm.COMMAND_VIEW, town_a)
    assert acts_for_unit(county.command, Perm.COMMAND_VIEW, town_a)
    assert not acts_for_unit(county.community, Perm.COMMAND_VIEW, town_a)
    assert not acts_for_unit(county.town, Perm.COMMAND_VIEW, branch)
    assert acts_for_unit(party_tree.secretary_a, Perm.COMMAND_VIEW, branch)
    assert not acts_for_unit(party_tree.secretary_b, Perm.COMMAND_VIEW, branch)


def test_answering_excludes_the_issuing_level(county):
    town_a, issuer = region_unit(county.town_a), region_unit(county.county)
    assert answers_for(county.town, town_a, issuer)
    assert not answers_for(county.command, town_a, issuer)
    assert {u.username for u in users_answering([town_a], issuer=issuer)[town_a.key]} == {"town"}


def test_own_users_are_the_units_own(county):
    assert {u.username for u in own_users(region_unit(county.town_a))} == {"town"}
    assert parent_unit(region_unit(county.county)) is None
    assert parent_unit(region_unit(county.town_a)).region_path == county.county.path


def test_issuing_levels(county, party_tree):
    assert [u.name for u in issuing_units(county.command)] == ["长沙县"]
    assert [u.name for u in issuing_units(county.town)] == ["星沙街道"]
    assert issuing_units(county.community) == []
    assert [u.name for u in issuing_units(party_tree.orgdept_tree)] == ["中共长沙县委员会"]


@pytest.mark.parametrize(
    ("place", "grade", "receiver"),
    [
        ("grid_a1_1", "simple", "community_a1"),
        ("community_a1", "simple", "community_a1"),
        ("town_a", "simple", "town_a"),
        ("grid_a1_1", "general", "town_a"),
        ("grid_b1_1", "prominent", "county"),
    ],
)
def test_receiving_region(county, place, grade, receiver):
    assert receiving_region(getattr(county, place), grade) == getattr(county, receiver)
