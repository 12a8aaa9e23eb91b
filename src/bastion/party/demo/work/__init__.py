"""What the demo county's organizations and members do, one module per concern:
community registrations with service records, and secondments, teams, zones and posts
(in bulk); liaison groups, calls, party-fee grants and exemplars (through the services,
a few dozen of each)."""

from bastion.party.demo.work.outreach import (
    exemplars,
    grant_fees,
    liaison_groups,
    mobilize,
)
from bastion.party.demo.work.registrations import (
    ORGAN_SECTORS,
    register_members,
)
from bastion.party.demo.work.teams import (
    form_teams,
    second_members,
)

__all__ = [
    "ORGAN_SECTORS",
    "register_members",
    "second_members",
    "form_teams",
    "liaison_groups",
    "mobilize",
    "grant_fees",
    "exemplars",
]
