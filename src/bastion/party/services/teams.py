"""Teams (vanguard, volunteer service, medical), responsibility zones (党员责任区) and
vanguard posts (党员先锋岗): formed by an organization, each answered for by members."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action, audit_record
from bastion.geo.models import Region
from bastion.party.models import (
    MemberStatus,
    Organization,
    PartyMember,
    ResponsibilityZone,
    Team,
    TeamKind,
    TeamMember,
    VanguardPost,
)
from bastion.party.services.common import clean, party_can, require, save_audited
from bastion.people.models import Person

TEAM_EDITABLE = ("name", "kind", "region", "purpose", "leader")


def _check_area(organization: Organization, region: Region | None) -> None:
    if region is not None and organization.region_path:
        if not region.path.startswith(organization.region_path):
            raise ValidationError(
                {"region": [_("区域必须在%(org)s所在区域之内") % {"org": organization.name}]}
            )


def _check_member(actor, member: PartyMember | None, field: str) -> None:
    """The named member must be someone the actor can see, and still a member."""
    if member is None:
        return
    if not party_can(
        actor, Perm.PARTY_VIEW, org_path=member.org_path, region_path=member.region_path
    ):
        raise Http404
    if member.status == MemberStatus.LEFT:
        raise ValidationError({field: [_("该党员已转出或离开")]})


def team_create(
    *,
    actor,
    organization: Organization,
    kind: str,
    name: str,
    region: Region | None = None,
    purpose: str = "",
    leader: PartyMember | None = None,
    formed_on: dt.date | None = None,
) -> Team:
    """Form a team of `organization` for an area."""
    require(
        actor, Perm.PARTY_MANAGE, org_path=organization.path, region_path=organization.region_path
    )
    if kind not in TeamKind.values:
        raise ValidationError({"kind": [_("未知的队伍类型")]})
    if organization.closed_on is not None:
        raise ValidationError({"organization": [_("该党组织已撤销")]})
    _check_area(organization, region)
    _check_member(actor, leader, "leader")
    team = Team(
        kind=kind,
        name=clean(name, 120),
        organization=organization,
        org_path=organization.path,
        region=region,
        region_path=region.path if region else organization.region_path,
        purpose=clean(purpose, 300),
        leader=leader,
        formed_on=formed_on or timezone.localdate(),
    )
    team.full_clean()
    save_audited(
        team,
        actor=actor,
        action=Action.CREATE,
        path=team.region_path,
        changes={"kind": [None, kind], "name": [None, team.name]},
    )
    return team


def team_update(*, actor, team: Team, changes: dict) -> Team:
    """Change a team's name, kind, area, purpose or leader."""
    require(actor, Perm.PARTY_MANAGE, org_path=team.org_path, region_path=team.region_path)
    unknown = set(changes) - set(TEAM_EDITABLE)
    if unknown:
        raise ValidationError({k: [_("该字段不能修改")] for k in sorted(unknown)})
    if "kind" in changes and changes["kind"] not in TeamKind.values:
        raise ValidationError({"kind": [_("未知的队伍类型")]})
    if "region" in changes:
        _check_area(team.organization, changes["region"])
    if "leader" in changes:
        _check_member(actor, changes["leader"], "leader")
    audit: dict[str, list] = {}
    for field in TEAM_EDITABLE:
        if field not in changes:
            continue
        value = changes[field]
        if field in ("name", "purpose"):
            value = clean(value, 120 if field == "name" else 300)
        old = getattr(team, field)
        if old != value:
            audit[field] = [_ref(old), _ref(value)]
            setattr(team, field, value)
    if "region" in audit:
        team.region_path = team.region.path if team.region else team.organization.region_path
    if not audit:
        return team
    team.full_clean()
    with transaction.atomic():
        team.save()
        audit_record(
            actor=actor, action=Action.UPDATE, obj=team, path=team.region_path, changes=audit
        )
    return team


def _ref(value):
    if isinstance(value, Region):
        return value.code
    if isinstance(value, PartyMember):
        return str(value.public_id)
    return value


def team_disband(*, actor, team: Team, on: dt.date) -> Team:
    """Disband a team; its members leave it the same day."""
    require(actor, Perm.PARTY_MANAGE, org_path=team.org_path, region_path=team.region_path)
    if team.disbanded_on is not None:
        raise ValidationError({"disbanded_on": [_("该队伍已解散")]})
    if team.formed_on and on < team.formed_on:
        raise ValidationError({"disbanded_on": [_("解散日期不能早于组建日期")]})
    with transaction.atomic():
        team.disbanded_on = on
        team.save(update_fields=["disbanded_on", "updated_at"])
        team.members.filter(left_on__isnull=True).update(left_on=on)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=team,
            path=team.region_path,
            changes={"disbanded_on": [None, on.isoformat()]},
        )
    return team


def team_member_add(
    *,
    actor,
    team: Team,
    person: Person,
    role: str = "",
    joined_on: dt.date | None = None,
) -> TeamMember:
    """Put a person (member or resident volunteer) in a team."""
    require(actor, Perm.PARTY_MANAGE, org_path=team.org_path, region_path=team.region_path)
    if team.disbanded_on is not None:
        raise ValidationError({"team": [_("该队伍已解散")]})
    member = PartyMember.objects.filter(person=person).first()
    seat = TeamMember(
        team=team,
        person=person,
        member=member,
        role=clean(role, 40),
        joined_on=joined_on or timezone.localdate(),
    )
    try:
        save_audited(
            seat,
            actor=actor,
            action=Action.UPDATE,
            obj=team,
            path=team.region_path,
            changes={"member": [None, person.name]},
        )
    except IntegrityError as exc:
        raise ValidationError({"person": [_("此人已在该队伍中")]}) from exc
    return seat


def team_member_remove(*, actor, seat: TeamMember, on: dt.date | None = None) -> TeamMember:
    """Take a person off a team (the seat is kept with its leaving date)."""
    team = seat.team
    require(actor, Perm.PARTY_MANAGE, org_path=team.org_path, region_path=team.region_path)
    on = on or timezone.localdate()
    if seat.left_on is not None:
        raise ValidationError({"left_on": [_("此人已离开该队伍")]})
    if seat.joined_on and on < seat.joined_on:
        raise ValidationError({"left_on": [_("离队日期不能早于加入日期")]})
    with transaction.atomic():
        seat.left_on = on
        seat.save(update_fields=["left_on"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=team,
            path=team.region_path,
            changes={"member": [seat.person.name, None]},
        )
    return seat


# --- Responsibility zones and vanguard posts -------------------------------------------------


def _answered_create(
    model,
    *,
    actor,
    organization: Organization,
    member: PartyMember,
    name: str,
    region: Region | None,
    duties: str,
    started_on: dt.date | None,
    extra: dict,
):
    require(
        actor, Perm.PARTY_MANAGE, org_path=organization.path, region_path=organization.region_path
    )
    if organization.closed_on is not None:
        raise ValidationError({"organization": [_("该党组织已撤销")]})
    _check_area(organization, region)
    _check_member(actor, member, "member")
    record = model(
        organization=organization,
        org_path=organization.path,
        member=member,
        region=region,
        region_path=region.path if region else organization.region_path,
        name=clean(name, 120),
        duties=clean(duties, 300),
        started_on=started_on or timezone.localdate(),
        **extra,
    )
    record.full_clean()
    save_audited(
        record,
        actor=actor,
        action=Action.CREATE,
        path=record.region_path,
        changes={"name": [None, record.name], "member": [None, str(member.public_id)]},
    )
    return record


def zone_create(
    *,
    actor,
    organization: Organization,
    member: PartyMember,
    name: str,
    area: str = "",
    region: Region | None = None,
    duties: str = "",
    started_on: dt.date | None = None,
) -> ResponsibilityZone:
    """Set up a responsibility zone that `member` answers for."""
    return _answered_create(
        ResponsibilityZone,
        actor=actor,
        organization=organization,
        member=member,
        name=name,
        region=region,
        duties=duties,
        started_on=started_on,
        extra={"area": clean(area, 200)},
    )


def post_create(
    *,
    actor,
    organization: Organization,
    member: PartyMember,
    name: str,
    site: str = "",
    region: Region | None = None,
    duties: str = "",
    started_on: dt.date | None = None,
) -> VanguardPost:
    """Set up a vanguard post that `member` answers for."""
    return _answered_create(
        VanguardPost,
        actor=actor,
        organization=organization,
        member=member,
        name=name,
        region=region,
        duties=duties,
        started_on=started_on,
        extra={"site": clean(site, 200)},
    )


def answered_reassign(*, actor, record, member: PartyMember, reason: str = ""):
    """Hand a zone or post to another member (the change is in the audit trail)."""
    require(actor, Perm.PARTY_MANAGE, org_path=record.org_path, region_path=record.region_path)
    if record.ended_on is not None:
        raise ValidationError({"member": [_("已撤销，不能更换负责人")]})
    _check_member(actor, member, "member")
    if member.pk == record.member_id:
        raise ValidationError({"member": [_("已由该党员负责")]})
    old = record.member
    with transaction.atomic():
        record.member = member
        record.save(update_fields=["member", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=record,
            path=record.region_path,
            changes={"member": [str(old.public_id), str(member.public_id)]},
            reason=clean(reason, 500),
        )
    return record


def answered_end(*, actor, record, ended_on: dt.date):
    """Close a zone or post."""
    require(actor, Perm.PARTY_MANAGE, org_path=record.org_path, region_path=record.region_path)
    if record.ended_on is not None:
        raise ValidationError({"ended_on": [_("已撤销")]})
    if ended_on < record.started_on:
        raise ValidationError({"ended_on": [_("撤销日期不能早于设立日期")]})
    with transaction.atomic():
        record.ended_on = ended_on
        record.save(update_fields=["ended_on", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=record,
            path=record.region_path,
            changes={"ended_on": [None, ended_on.isoformat()]},
        )
    return record
