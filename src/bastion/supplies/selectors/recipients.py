"""Who a user may name as a receiving unit: regions (towns, villages, communities),
party organizations and teams in her scope for a permission (ALLOCATION_REQUEST to ask,
ALLOCATION_APPROVE for the command's cash purposes).

A recipient travels in forms and the API as "region:<code>", "org:<public_id>" or
"team:<public_id>".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bastion.access.scoping import restrict_by_path
from bastion.geo.models import Region
from bastion.party.models import Organization, Team
from bastion.supplies.services.allocations import RECIPIENT_LEVELS

CHOICES_LIMIT = 500


def recipient_regions(user, perm: str):
    return restrict_by_path(Region.objects.filter(level__in=RECIPIENT_LEVELS), user, perm).order_by(
        "path"
    )


def recipient_orgs(user, perm: str):
    from bastion.party.selectors import organization_list

    return organization_list(user=user, perm=perm).filter(closed_on__isnull=True).order_by("path")


def recipient_teams(user, perm: str):
    from bastion.party.selectors import team_list

    return team_list(user=user, perm=perm).filter(disbanded_on__isnull=True).order_by("name")


def recipient_choices(user, perm: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped <select> choices: regions, organizations, teams."""
    regions = [
        (f"region:{r.code}", "\u3000" * max(r.depth - 1, 0) + r.name)
        for r in recipient_regions(user, perm).only("code", "name", "depth")[:CHOICES_LIMIT]
    ]
    orgs = [
        (f"org:{o.public_id}", o.name)
        for o in recipient_orgs(user, perm)
        .select_related(None)
        .only("public_id", "name")[:CHOICES_LIMIT]
    ]
    teams = [
        (f"team:{t.public_id}", t.name)
        for t in recipient_teams(user, perm)
        .select_related(None)
        .only("public_id", "name")[:CHOICES_LIMIT]
    ]
    groups = [
        (_("镇街、村社区"), regions),
        (_("党组织"), orgs),
        (_("队伍"), teams),
    ]
    return [(label, options) for label, options in groups if options]


def recipient_from(user, perm: str, value: str) -> Region | Organization | Team:
    """The recipient a form or API body named; ValidationError when it is unknown or
    outside the user's scope for `perm` (the message does not say which)."""
    kind, _sep, key = (value or "").partition(":")
    found = None
    try:
        if kind == "region":
            found = recipient_regions(user, perm).filter(code=key).first()
        elif kind == "org":
            found = recipient_orgs(user, perm).filter(public_id=key).first()
        elif kind == "team":
            found = recipient_teams(user, perm).filter(public_id=key).first()
    except (ValueError, ValidationError):
        found = None
    if found is None:
        raise ValidationError(
            {
                "recipient": [
                    _("接收单位：不存在或不在您的范围内（格式 region:代码、org:编号、team:编号）")
                ]
            }
        )
    return found
