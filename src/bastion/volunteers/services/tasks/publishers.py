"""Who publishes a task (a community, a team or a temporary branch) and whether the
actor may publish for it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_org_or_region, can_on_path
from bastion.geo.models import Region
from bastion.party.models import Organization, Team, Tier
from bastion.volunteers.models import PublisherKind
from bastion.volunteers.selectors.places import COMMUNITY_LEVELS
from bastion.volunteers.services.common import is_system


@dataclass
class Publisher:
    """Who publishes: a community, a team or a temporary branch."""

    kind: str
    community: Region | None = None
    team: Team | None = None
    organization: Organization | None = None

    @property
    def org_path(self) -> str:
        if self.team is not None:
            return self.team.org_path
        if self.organization is not None:
            return self.organization.path
        return ""

    @property
    def region_path(self) -> str:
        if self.community is not None:
            return self.community.path
        if self.team is not None:
            return self.team.region_path
        if self.organization is not None:
            return self.organization.region_path
        return ""


def publisher_check(*, actor, publisher: Publisher) -> None:
    """Http404 unless the actor publishes for this community, team or temporary branch."""
    if publisher.kind == PublisherKind.COMMUNITY:
        community = publisher.community
        if community is None or community.level not in COMMUNITY_LEVELS:
            raise ValidationError({"community": [_("请选择发布任务的村或社区")]})
        allowed = is_system(actor) or can_on_path(actor, Perm.TASK_PUBLISH, community.path)
    elif publisher.kind == PublisherKind.TEAM:
        team = publisher.team
        if team is None:
            raise ValidationError({"team": [_("请选择发布任务的队伍")]})
        if team.disbanded_on is not None:
            raise ValidationError({"team": [_("该队伍已解散")]})
        allowed = is_system(actor) or can_on_org_or_region(
            actor, Perm.TASK_PUBLISH, org_path=team.org_path, region_path=team.region_path
        )
    elif publisher.kind == PublisherKind.TEMPORARY_BRANCH:
        org = publisher.organization
        if org is None or org.tier != Tier.TEMPORARY_BRANCH:
            raise ValidationError({"organization": [_("请选择临时党支部")]})
        if org.closed_on is not None:
            raise ValidationError({"organization": [_("该临时党支部已撤销")]})
        allowed = is_system(actor) or can_on_org_or_region(
            actor, Perm.TASK_PUBLISH, org_path=org.path, region_path=org.region_path
        )
    else:
        raise ValidationError({"publisher_kind": [_("未知的发布方类型")]})
    if not allowed:
        raise Http404


def can_publish_anywhere(user) -> bool:
    """Whether to show publishing at all (the publisher choice checks each place)."""
    from bastion.access.scoping import has_perm

    return has_perm(user, Perm.TASK_PUBLISH)
