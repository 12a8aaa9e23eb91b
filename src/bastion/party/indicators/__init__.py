"""Indicators owned by the party app (see core/indicators.py, docs/decisions/0008), one
module per aggregate. Each figure is computed for the user's scope (party records by
organization tree or region tree, optionally narrowed to a region) as of a moment:
records created later, branches opened later, teams formed later are left out; branches
closed and teams disbanded by then are left out too. `records` is the list behind the
figure. `INDICATORS` joins the modules' lists in the order the pages show them; it is
the one list core.indicators reads (BASTION_INDICATOR_MODULES names this package only)."""

from bastion.party.indicators import exemplars, fees, membership, mobilization, teams
from bastion.party.indicators.exemplars import exemplars_published
from bastion.party.indicators.fees import (
    expenses,
    fee_grants,
    fees_granted,
    fees_left,
    fees_spent,
    grants_with_balance,
)
from bastion.party.indicators.membership import (
    medical_members,
    members,
    organizations,
    organizations_by_sector,
    registered_by_sector,
    registered_members,
    registration_rate,
    temporary_branches_open,
)
from bastion.party.indicators.mobilization import (
    answered_recipients,
    call_response_rate,
    calls,
)
from bastion.party.indicators.teams import liaison_groups

INDICATORS = [
    *membership.INDICATORS,
    *teams.INDICATORS,
    *mobilization.INDICATORS,
    *fees.INDICATORS,
    *exemplars.INDICATORS,
]

__all__ = [
    "INDICATORS",
    "organizations",
    "organizations_by_sector",
    "temporary_branches_open",
    "members",
    "medical_members",
    "registered_members",
    "registered_by_sector",
    "registration_rate",
    "liaison_groups",
    "calls",
    "answered_recipients",
    "call_response_rate",
    "fee_grants",
    "expenses",
    "fees_granted",
    "fees_spent",
    "fees_left",
    "grants_with_balance",
    "exemplars_published",
]
