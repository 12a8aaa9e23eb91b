"""The party indicators: each figure is the count of its records, in the user's scope,
as of a moment (later records are left out, closed branches and ended zones too)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bastion.core.indicators import Scope, all_indicators
from bastion.party import services
from bastion.party.indicators import INDICATORS

CODES = {i.code for i in INDICATORS}


def _value(code, user, as_of=None, region_path=None):
    indicator = all_indicators()[code]
    return indicator.count(Scope(user=user, region_path=region_path), as_of or timezone.now())


def test_every_issue_indicator_is_registered():
    assert {
        "party_organizations", "party_members", "party_medical_members",
        "party_employed_registered", "party_registration_rate",
        "party_temporary_branches_open", "party_vanguard_teams", "party_volunteer_teams",
        "party_liaison_groups", "party_responsibility_zones", "party_vanguard_posts",
        "party_calls", "party_call_response_rate", "party_fees_granted", "party_fees_spent",
        "party_fees_left", "party_exemplars_published",
    } <= CODES  # fmt: skip


@pytest.mark.parametrize("code", sorted(CODES - {"party_registration_rate", "party_call_response_rate",
                                                  "party_fees_granted", "party_fees_spent", "party_fees_left"}))  # fmt: skip
def test_count_is_the_number_of_records(world, party_tree, code):
    indicator = all_indicators()[code]
    scope, now = Scope(user=party_tree.orgdept_tree), timezone.now()
    assert indicator.count(scope, now) == indicator.records(scope, now).count()


def test_figures_of_the_world(world, party_tree):
    user = party_tree.orgdept_tree
    assert _value("party_organizations", user) == 7
    assert _value("party_members", user) == 3
    assert _value("party_employed_registered", user) == 1
    assert _value("party_registration_rate", user) == 100
    assert _value("party_temporary_branches_open", user) == 1
    assert _value("party_vanguard_teams", user) == 1
    assert _value("party_liaison_groups", user) == 1
    assert (_value("party_responsibility_zones", user), _value("party_vanguard_posts", user)) == (
        1,
        1,
    )
    assert (_value("party_fees_granted", user), _value("party_fees_spent", user),
            _value("party_fees_left", user)) == (1000, 200, 800)  # fmt: skip
    assert _value("party_exemplars_published", user) == 1
    assert _value("party_calls", user) == 1 and _value("party_call_response_rate", user) == 0


def test_scope_a_town_committee_counts_its_subtree_only(world, party_tree):
    user = party_tree.secretary_a
    assert _value("party_organizations", user) == 3
    assert _value("party_members", user) == 1
    assert _value("party_fees_granted", user) == 1000
    assert _value("party_organizations", party_tree.secretary_b) == 2
    assert _value("party_fees_granted", party_tree.secretary_b) == 0


def test_as_of_leaves_out_later_records_and_closed_branches(world, party_tree):
    user = party_tree.orgdept_tree
    before = timezone.now() - dt.timedelta(days=1)
    assert _value("party_members", user, before) == 0
    assert _value("party_fees_granted", user, before) == 0
    assert _value("party_exemplars_published", user, before) == 0
    services.organization_close(
        actor=None, organization=party_tree.temporary, closed_on=timezone.localdate()
    )
    assert _value("party_temporary_branches_open", user) == 0
    assert _value("party_organizations", user) == 6


def test_registration_lapses_out_of_the_figure(world, party_tree):
    later = timezone.make_aware(
        dt.datetime.combine(world.valid_until + dt.timedelta(days=1), dt.time(12))
    )
    assert _value("party_employed_registered", party_tree.orgdept_tree, later) == 0


def test_reports_drill_down_lists_masked_members(world, party_tree, login):
    client = login(party_tree.orgdept_tree)
    html = client.get("/reports/party_members/records/").content.decode()
    assert "王**" in html and "王小明" not in html


def test_users_without_party_scope_get_zero(world, county):
    assert _value("party_members", county.gridworker) == 0
    assert _value("party_fees_granted", county.nobody) == 0
