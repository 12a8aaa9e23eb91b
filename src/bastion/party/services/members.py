"""Writes to party members: enroll, edit, transfer between organizations (history kept)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action, audit_record
from bastion.party.models import Membership, MemberStatus, Organization, PartyMember
from bastion.party.services.common import clean, party_can, require, user_or_none
from bastion.people.models import Person
from bastion.people.services import PersonInput, person_link_or_register

MEMBER_EDITABLE = (
    "status",
    "joined_party_on",
    "occupation",
    "employer",
    "is_employed",
    "is_medical_worker",
    "is_cadre",
)


def _repr(member: PartyMember) -> str:
    return f"{member.person.name} {member.person.id_number_masked}"


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
    require(
        actor, Perm.PARTY_MANAGE, org_path=organization.path, region_path=organization.region_path
    )
    errors: dict[str, list[str]] = {}
    if PartyMember.objects.filter(person=person).exists():
        errors["person"] = [_("此人已登记为党员")]
    if organization.closed_on is not None:
        errors["organization"] = [_("该党组织已撤销")]
    if status == MemberStatus.LEFT:
        errors["status"] = [_("新登记的党员不能是“已转出”状态")]
    today = timezone.localdate()
    if joined_party_on is not None and joined_party_on > today:
        errors["joined_party_on"] = [_("入党日期不能晚于今天")]
    if errors:
        raise ValidationError(errors)
    member = PartyMember(
        person=person,
        user=user,
        organization=organization,
        org_path=organization.path,
        region_path=person.path,
        status=status,
        joined_party_on=joined_party_on,
        occupation=clean(occupation, 60),
        employer=clean(employer, 120),
        is_employed=is_employed,
        is_medical_worker=is_medical_worker,
        is_cadre=is_cadre,
    )
    member.full_clean(validate_unique=False)
    with transaction.atomic():
        member.save()
        Membership.objects.create(
            member=member,
            organization=organization,
            started_on=started_on or today,
            reason=_("入册"),
            recorded_by=user_or_none(actor),
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=member,
            object_repr=_repr(member),
            path=person.path,
            changes={"organization": [None, organization.code], "status": [None, status]},
        )
    return member


def member_update(*, actor, member: PartyMember, changes: dict) -> PartyMember:
    """Change a member's status, joining date, occupation, employer and flags.

    Setting the status to "left" ends the current stay in the organization today.
    """
    require(actor, Perm.PARTY_MANAGE, org_path=member.org_path, region_path=member.region_path)
    unknown = set(changes) - set(MEMBER_EDITABLE)
    if unknown:
        raise ValidationError({k: [_("该字段不能修改")] for k in sorted(unknown)})
    member = PartyMember.objects.select_for_update().select_related("person").get(pk=member.pk)
    if member.status == MemberStatus.LEFT and changes.get("status", MemberStatus.LEFT) != (
        MemberStatus.LEFT
    ):
        raise ValidationError({"status": [_("已转出的党员请重新办理转入")]})
    joined = changes.get("joined_party_on")
    if joined is not None and joined > timezone.localdate():
        raise ValidationError({"joined_party_on": [_("入党日期不能晚于今天")]})
    limits = {"occupation": 60, "employer": 120}
    audit: dict[str, list] = {}
    for field in MEMBER_EDITABLE:
        if field not in changes:
            continue
        value = changes[field]
        if field in limits:
            value = clean(value, limits[field])
        old = getattr(member, field)
        if old != value:
            audit[field] = [
                old.isoformat() if isinstance(old, dt.date) else old,
                value.isoformat() if isinstance(value, dt.date) else value,
            ]
            setattr(member, field, value)
    member.region_path = member.person.path
    if not audit:
        return member
    member.full_clean(validate_unique=False)
    with transaction.atomic():
        member.save()
        if audit.get("status", [None, None])[1] == MemberStatus.LEFT:
            member.memberships.filter(ended_on__isnull=True).update(ended_on=timezone.localdate())
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=member,
            object_repr=_repr(member),
            path=member.region_path,
            changes=audit,
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
    require(actor, Perm.PARTY_MANAGE, org_path=member.org_path, region_path=member.region_path)
    require(actor, Perm.PARTY_MANAGE, org_path=to.path, region_path=to.region_path)
    if to.pk == member.organization_id:
        raise ValidationError({"to": [_("党员已在该党组织")]})
    if to.closed_on is not None:
        raise ValidationError({"to": [_("该党组织已撤销")]})
    if member.status == MemberStatus.LEFT:
        raise ValidationError({"to": [_("已转出的党员请重新办理转入")]})
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
            reason=clean(reason, 200),
            recorded_by=user_or_none(actor),
        )
        member.organization = to
        member.org_path = to.path
        member.save(update_fields=["organization", "org_path", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=member,
            object_repr=_repr(member),
            path=member.region_path,
            changes={"organization": [old.code, to.code]},
            reason=clean(reason, 500),
        )
    return member


def already_member_message(actor, existing: PartyMember) -> str:
    """Why a person cannot be enrolled twice, naming their organization only to those
    who may see it (a number must not reveal a membership elsewhere)."""
    if party_can(
        actor,
        Perm.PARTY_VIEW,
        org_path=existing.organization.path,
        region_path=existing.organization.region_path,
    ):
        return _("此人已是“%(org)s”的党员，如需调整请办理组织关系转接") % {
            "org": existing.organization.name
        }
    return _("此人已登记为党员，如需调整请联系其所在党组织办理组织关系转接")


def member_register(
    *, actor, person_data: PersonInput, organization: Organization, **membership
) -> PartyMember:
    """Register the person in the people registry (or merge into the one with the same
    ID number, through `people.services.person_link_or_register`) and enroll them."""
    require(
        actor, Perm.PARTY_MANAGE, org_path=organization.path, region_path=organization.region_path
    )
    with transaction.atomic():
        result = person_link_or_register(actor=actor, data=person_data)
        existing = (
            PartyMember.objects.filter(person=result.person).select_related("organization").first()
        )
        if existing is not None:
            raise ValidationError({"id_number": [already_member_message(actor, existing)]})
        return member_enroll(
            actor=actor, person=result.person, organization=organization, **membership
        )


def members_follow_person(*, actor, person: Person) -> int:
    """Keep a member's copied home path in step when the person moves grid (called by
    `people.services.person_relocated`); returns how many memberships moved."""
    return (
        PartyMember.objects.filter(person=person)
        .exclude(region_path=person.path)
        .update(region_path=person.path)
    )
