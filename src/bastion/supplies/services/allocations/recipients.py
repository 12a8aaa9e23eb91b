"""Who may receive supplies (a town or community, a party organization, a team) and who
may ask for them or approve them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.geo.models import Level, Region
from bastion.party.models import Organization, Team
from bastion.supplies.models import Allocation, RecipientKind
from bastion.supplies.services.common import can

RECIPIENT_LEVELS = (Level.TOWN, Level.SUBDISTRICT, Level.VILLAGE, Level.COMMUNITY)


def recipient_fields(recipient: Region | Organization | Team) -> dict:
    """The Recipient columns for a region, a party organization or a team."""
    if isinstance(recipient, Region):
        if recipient.level not in RECIPIENT_LEVELS:
            raise ValidationError({"recipient": [_("接收单位：区划只能是镇街或村社区")]})
        return {
            "recipient_kind": RecipientKind.REGION,
            "recipient_region": recipient,
            "recipient_name": recipient.name,
            "path": recipient.path,
            "org_path": "",
        }
    if isinstance(recipient, Organization):
        if recipient.closed_on is not None:
            raise ValidationError({"recipient": [_("接收单位：该党组织已撤销")]})
        return {
            "recipient_kind": RecipientKind.ORGANIZATION,
            "recipient_org": recipient,
            "recipient_name": recipient.name,
            "path": recipient.region_path,
            "org_path": recipient.path,
        }
    if isinstance(recipient, Team):
        if recipient.disbanded_on is not None:
            raise ValidationError({"recipient": [_("接收单位：该队伍已解散")]})
        return {
            "recipient_kind": RecipientKind.TEAM,
            "recipient_team": recipient,
            "recipient_name": recipient.name,
            "path": recipient.region_path or recipient.organization.region_path,
            "org_path": recipient.org_path,
        }
    raise ValidationError({"recipient": [_("接收单位：请选择区划、党组织或队伍")]})


def can_request_for(actor, record) -> bool:
    """May the actor ask for (and confirm receipts of) supplies for this recipient?"""
    return can(actor, Perm.ALLOCATION_REQUEST, path=record.path, org_path=record.org_path)


def can_approve(actor, allocation: Allocation) -> bool:
    return can(actor, Perm.ALLOCATION_APPROVE, path=allocation.path, org_path=allocation.org_path)
