"""Writes to the party organization tree, memberships, community registrations and teams.

Every function is keyword-only, runs in one transaction, validates with `full_clean()`
and writes an audit entry. Permission checks live here too: an actor outside the
organization's subtree (and its region) gets Http404, as for reads.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_org_or_region, can_on_path
from bastion.core.audit import Action, audit_record
from bastion.geo.models import Level, Region
from bastion.party.models import (
    CommunityRegistration,
    Membership,
    MemberStatus,
    Organization,
    PartyMember,
    RegistrationChannel,
    RegistrationStatus,
    ServiceRecordEntry,
    Team,
    TeamMember,
    Tier,
)
from bastion.people.models import Person

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
COMMUNITY_LEVELS = (Level.COMMUNITY, Level.VILLAGE)


def _system(actor) -> bool:
    """The demo generator and management commands act as a superuser or with actor None."""
    return actor is None or getattr(actor, "is_superuser", False)


def party_can(actor, perm: str, *, org_path: str, region_path: str = "") -> bool:
    """May `actor` do `perm` on a record at this organization path / region path?"""
    if _system(actor):
        return True
    return can_on_org_or_region(actor, perm, org_path=org_path, region_path=region_path)


def _require(actor, perm: str, *, org_path: str, region_path: str = "") -> None:
    if not party_can(actor, perm, org_path=org_path, region_path=region_path):
        raise Http404


# --- Organizations ----------------------------------------------------------------------


def organization_create(
    *,
    actor,
    code: str,
    name: str,
    tier: str,
    sector: str,
    parent: Organization | None,
    region: Region | None = None,
    secretary: str = "",
    site_kind: str = "",
    site_name: str = "",
    purpose: str = "",
    opened_on: dt.date | None = None,
) -> Organization:
    """Create an organization under `parent` (None only for a county committee).

    A temporary branch needs a parent, a site kind and an opening date.
    """
    code = (code or "").strip()
    if not CODE_PATTERN.match(code):
        raise ValidationError({"code": [_("组织代码只能包含字母、数字、-和_，最长40位")]})
    if parent is None and not _system(actor):
        raise ValidationError({"parent": [_("请选择上级党组织")]})
    if parent is not None:
        _require(actor, Perm.PARTY_MANAGE, org_path=parent.path, region_path=parent.region_path)
        if parent.tier == Tier.BRANCH or parent.tier == Tier.TEMPORARY_BRANCH:
            raise ValidationError({"parent": [_("党支部下不能再设党组织")]})
    if tier == Tier.TEMPORARY_BRANCH:
        errors = {}
        if parent is None:
            errors["parent"] = [_("临时党支部必须有上级党组织")]
        if not site_kind:
            errors["site_kind"] = [_("请选择临时党支部的设立地点类型")]
        if opened_on is None:
            errors["opened_on"] = [_("请填写成立日期")]
        if errors:
            raise ValidationError(errors)
    org = Organization(
        code=code,
        name=(name or "").strip(),
        tier=tier,
        sector=sector,
        parent=parent,
        path=f"{parent.path if parent else '/'}{code}/",
        depth=(parent.depth + 1) if parent else 0,
        region=region,
        region_path=region.path if region else "",
        secretary=(secretary or "").strip(),
        site_kind=site_kind or "",
        site_name=(site_name or "").strip(),
        purpose=(purpose or "").strip(),
        opened_on=opened_on,
    )
    org.full_clean()
    try:
        with transaction.atomic():
            org.save()
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=org,
                path=org.region_path,
                changes={"code": [None, code], "tier": [None, tier], "name": [None, org.name]},
            )
    except IntegrityError as exc:
        raise ValidationError({"code": [_("组织代码 %(code)s 已存在") % {"code": code}]}) from exc
    return org


def organization_close(
    *, actor, organization: Organization, closed_on: dt.date, reason: str = ""
) -> Organization:
    """Close a temporary branch (its members' secondments end with it)."""
    _require(
        actor,
        Perm.PARTY_MANAGE,
        org_path=organization.path,
        region_path=organization.region_path,
    )
    if not organization.is_temporary:
        raise ValidationError({"closed_on": [_("只有临时党支部可以撤销")]})
    if organization.closed_on is not None:
        raise ValidationError({"closed_on": [_("该临时党支部已撤销")]})
    if organization.opened_on and closed_on < organization.opened_on:
        raise ValidationError({"closed_on": [_("撤销日期不能早于成立日期")]})
    with transaction.atomic():
        organization.closed_on = closed_on
        organization.full_clean()
        organization.save(update_fields=["closed_on", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=organization,
            path=organization.region_path,
            changes={"closed_on": [None, closed_on.isoformat()]},
            reason=reason,
        )
    return organization


# --- Members ----------------------------------------------------------------------------


def member_enroll(
    *,
    actor,
    person: Person,
    organization: Organization,
    status: str = MemberStatus.FULL,
    joined_party_on: dt.date | None = None,
    occupation: str = "",
    employer: str = "",
    is_employed: bool = False,
    is_medical_worker: bool = False,
    is_cadre: bool = False,
    started_on: dt.date | None = None,
    user=None,
) -> PartyMember:
    """Record `person` as a member of `organization` (one membership per person)."""
    _require(
        actor,
        Perm.PARTY_MANAGE,
        org_path=organization.path,
        region_path=organization.region_path,
    )
    if PartyMember.objects.filter(person=person).exists():
        raise ValidationError({"person": [_("此人已登记为党员")]})
    member = PartyMember(
        person=person,
        user=user,
        organization=organization,
        org_path=organization.path,
        region_path=person.path,
        status=status,
        joined_party_on=joined_party_on,
        occupation=(occupation or "").strip(),
        employer=(employer or "").strip(),
        is_employed=is_employed,
        is_medical_worker=is_medical_worker,
        is_cadre=is_cadre,
    )
    member.full_clean()
    with transaction.atomic():
        member.save()
        Membership.objects.create(
            member=member,
            organization=organization,
            started_on=started_on or timezone.localdate(),
            reason=_("入册"),
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=member,
            object_repr=f"{person.name} {person.id_number_masked}",
            path=person.path,
            changes={"organization": [None, organization.code], "status": [None, status]},
        )
    return member


def member_transfer(
    *,
    actor,
    member: PartyMember,
    to: Organization,
    on: dt.date,
    reason: str = "",
) -> PartyMember:
    """Move a member to another organization; the old stay ends, a new one starts."""
    _require(actor, Perm.PARTY_MANAGE, org_path=member.org_path, region_path=member.region_path)
    _require(actor, Perm.PARTY_MANAGE, org_path=to.path, region_path=to.region_path)
    if to.pk == member.organization_id:
        raise ValidationError({"to": [_("党员已在该党组织")]})
    current = member.memberships.filter(ended_on__isnull=True).first()
    if current is not None and on < current.started_on:
        raise ValidationError({"on": [_("转接日期不能早于在原组织的开始日期")]})
    old = member.organization
    with transaction.atomic():
        if current is not None:
            current.ended_on = on
            current.save(update_fields=["ended_on"])
        Membership.objects.create(
            member=member,
            organization=to,
            started_on=on,
            reason=(reason or "").strip()[:200],
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        member.organization = to
        member.org_path = to.path
        member.save(update_fields=["organization", "org_path", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=member,
            object_repr=f"{member.person.name} {member.person.id_number_masked}",
            path=member.region_path,
            changes={"organization": [old.code, to.code]},
            reason=reason,
        )
    return member


# --- Community registration (报到) ---------------------------------------------------------


def registration_submit(
    *,
    actor,
    member: PartyMember,
    community: Region,
    channel: str,
    skills: list[str] | None = None,
    availability: str = "",
    service_wishes: str = "",
) -> CommunityRegistration:
    """Register a member at the community where they live.

    Online: the member themself (their user is `member.user`). Offline: community staff
    who may confirm registrations there. A member holds one live registration.
    """
    if community.level not in COMMUNITY_LEVELS:
        raise ValidationError({"community": [_("请选择村或社区")]})
    if channel == RegistrationChannel.ONLINE:
        if not _system(actor) and member.user_id != getattr(actor, "pk", None):
            raise Http404
    elif channel == RegistrationChannel.OFFLINE:
        if not _system(actor) and not can_on_path(actor, Perm.REGISTRATION_CONFIRM, community.path):
            raise Http404
    else:
        raise ValidationError({"channel": [_("未知的报到方式")]})
    registration = CommunityRegistration(
        member=member,
        community=community,
        path=community.path,
        org_path=member.org_path,
        channel=channel,
        skills=[s.strip() for s in (skills or []) if s and s.strip()][:20],
        availability=(availability or "").strip(),
        service_wishes=(service_wishes or "").strip(),
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    registration.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            registration.save()
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=registration,
                object_repr=member.person.name,
                path=community.path,
                changes={"community": [None, community.code], "channel": [None, channel]},
            )
    except IntegrityError as exc:
        raise ValidationError({"member": [_("该党员已有一条待确认或有效的报到记录")]}) from exc
    return registration


def registration_decide(
    *,
    actor,
    registration: CommunityRegistration,
    confirm: bool,
    valid_until: dt.date | None = None,
    note: str = "",
) -> CommunityRegistration:
    """The community confirms (optionally until a renewal date) or rejects a registration."""
    if not _system(actor) and not can_on_path(actor, Perm.REGISTRATION_CONFIRM, registration.path):
        raise Http404
    if registration.status != RegistrationStatus.PENDING:
        raise ValidationError({"status": [_("该报到记录已处理")]})
    if confirm and valid_until is not None and valid_until < timezone.localdate():
        raise ValidationError({"valid_until": [_("有效期不能早于今天")]})
    old = registration.status
    with transaction.atomic():
        registration.status = (
            RegistrationStatus.CONFIRMED if confirm else RegistrationStatus.REJECTED
        )
        registration.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        registration.decided_at = timezone.now()
        registration.decision_note = (note or "").strip()[:200]
        registration.valid_until = valid_until if confirm else None
        registration.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "decision_note",
                "valid_until",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=registration,
            object_repr=registration.member.person.name,
            path=registration.path,
            changes={"status": [old, registration.status]},
            reason=registration.decision_note,
        )
    return registration


# --- Teams ------------------------------------------------------------------------------


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
    _require(
        actor,
        Perm.PARTY_MANAGE,
        org_path=organization.path,
        region_path=organization.region_path,
    )
    team = Team(
        kind=kind,
        name=(name or "").strip(),
        organization=organization,
        org_path=organization.path,
        region=region,
        region_path=region.path if region else organization.region_path,
        purpose=(purpose or "").strip(),
        leader=leader,
        formed_on=formed_on or timezone.localdate(),
    )
    team.full_clean()
    with transaction.atomic():
        team.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=team,
            path=team.region_path,
            changes={"kind": [None, kind], "name": [None, team.name]},
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
    _require(actor, Perm.PARTY_MANAGE, org_path=team.org_path, region_path=team.region_path)
    member = PartyMember.objects.filter(person=person).first()
    seat = TeamMember(
        team=team,
        person=person,
        member=member,
        role=(role or "").strip(),
        joined_on=joined_on or timezone.localdate(),
    )
    try:
        with transaction.atomic():
            seat.save()
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                obj=team,
                path=team.region_path,
                changes={"member": [None, person.name]},
            )
    except IntegrityError as exc:
        raise ValidationError({"person": [_("此人已在该队伍中")]}) from exc
    return seat


# --- Service record (what a member did in the community) -----------------------------------


def service_record_add(
    *,
    actor,
    member: PartyMember,
    served_on: dt.date,
    hours: Decimal,
    description: str,
    community: Region | None = None,
    source: str = "",
    source_ref: str = "",
    corrects: ServiceRecordEntry | None = None,
) -> ServiceRecordEntry:
    """Append one entry to a member's service record; idempotent per (source, source_ref).

    Apps call it for work they confirmed (volunteers: confirmed attendance, with the
    attendance's public id as `source_ref`); a second call with the same source and
    reference returns the first entry unchanged. Staff entries need
    Perm.REGISTRATION_CONFIRM at the community.
    """
    if actor is not None and not source and community is not None:
        if not _system(actor) and not can_on_path(actor, Perm.REGISTRATION_CONFIRM, community.path):
            raise Http404
    hours = Decimal(hours)
    if hours < 0 or hours > 24:
        raise ValidationError({"hours": [_("服务时长应在0到24小时之间")]})
    if source_ref:
        existing = ServiceRecordEntry.objects.filter(source=source, source_ref=source_ref).first()
        if existing is not None:
            return existing
    entry = ServiceRecordEntry(
        member=member,
        community=community,
        path=community.path if community else member.region_path,
        org_path=member.org_path,
        served_on=served_on,
        hours=hours,
        description=(description or "").strip()[:300],
        source=source,
        source_ref=source_ref,
        corrects=corrects,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    entry.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=entry,
                object_repr=member.person.name,
                path=entry.path,
                changes={"hours": [None, str(hours)], "served_on": [None, served_on.isoformat()]},
            )
    except IntegrityError:
        return ServiceRecordEntry.objects.get(source=source, source_ref=source_ref)
    return entry
