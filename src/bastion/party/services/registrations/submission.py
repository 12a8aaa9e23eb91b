"""Registering at a community (在职党员进社区报到): submit, the community's decision,
withdrawal; and how long a confirmed registration is in force."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.models import RoleAssignment
from bastion.access.roles import Perm, Role
from bastion.core.audit import Action, audit_record
from bastion.geo.models import Region
from bastion.party.models import (
    CommunityRegistration,
    MemberStatus,
    PartyMember,
    RegistrationChannel,
    RegistrationStatus,
    RenewalStatus,
)
from bastion.party.services.common import (
    COMMUNITY_LEVELS,
    clean,
    is_system,
    require_at_community,
    save_audited,
    user_or_none,
)

MAX_SKILLS = 20


def registration_period_days() -> int:
    """How long a confirmed registration lasts (0: it never lapses)."""
    return int(getattr(settings, "BASTION_PARTY_REGISTRATION_DAYS", 365))


def default_valid_until(start: dt.date) -> dt.date | None:
    days = registration_period_days()
    return start + dt.timedelta(days=days) if days > 0 else None


def _is_member_self(actor, member: PartyMember) -> bool:
    return member.user_id is not None and member.user_id == getattr(actor, "pk", None)


def _volunteer_role(*, actor, member: PartyMember, community: Region) -> None:
    """A member with a login serves where they registered: the volunteer role there."""
    if member.user_id is None:
        return
    from bastion.access.services import role_assign

    if not RoleAssignment.objects.filter(
        user_id=member.user_id, role=Role.VOLUNTEER, region=community
    ).exists():
        role_assign(actor=actor, user=member.user, role=Role.VOLUNTEER, region=community)


def _clean_skills(skills) -> list[str]:
    seen: list[str] = []
    for skill in skills or []:
        text = clean(str(skill), 30)
        if text and text not in seen:
            seen.append(text)
    return seen[:MAX_SKILLS]


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
    if channel == RegistrationChannel.ONLINE:
        if not is_system(actor) and not _is_member_self(actor, member):
            raise Http404
    elif channel == RegistrationChannel.OFFLINE:
        require_at_community(
            actor, Perm.REGISTRATION_CONFIRM, path=community.path, org_path=member.org_path
        )
    else:
        raise ValidationError({"channel": [_("未知的报到方式")]})
    if community.level not in COMMUNITY_LEVELS:
        raise ValidationError({"community": [_("请选择村或社区")]})
    if member.status == MemberStatus.LEFT:
        raise ValidationError({"member": [_("该党员已转出或离开")]})
    registration = CommunityRegistration(
        member=member,
        community=community,
        path=community.path,
        org_path=member.org_path,
        channel=channel,
        skills=_clean_skills(skills),
        availability=clean(availability, 200),
        service_wishes=clean(service_wishes, 300),
        submitted_by=user_or_none(actor),
    )
    registration.full_clean(validate_constraints=False)
    try:
        save_audited(
            registration,
            actor=actor,
            action=Action.CREATE,
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
    """The community confirms (until `valid_until`, by default the standard period) or
    rejects a registration. A member with a login gets the volunteer role there."""
    require_at_community(
        actor, Perm.REGISTRATION_CONFIRM, path=registration.path, org_path=registration.org_path
    )
    today = timezone.localdate()
    if registration.status != RegistrationStatus.PENDING:
        raise ValidationError({"status": [_("该报到记录已处理")]})
    if confirm and valid_until is not None and valid_until < today:
        raise ValidationError({"valid_until": [_("有效期不能早于今天")]})
    if confirm and valid_until is None:
        valid_until = default_valid_until(today)
    old = registration.status
    with transaction.atomic():
        registration.status = (
            RegistrationStatus.CONFIRMED if confirm else RegistrationStatus.REJECTED
        )
        registration.decided_by = user_or_none(actor)
        registration.decided_at = timezone.now()
        registration.decision_note = clean(note, 200)
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
        if confirm:
            _volunteer_role(
                actor=actor, member=registration.member, community=registration.community
            )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=registration,
            object_repr=registration.member.person.name,
            path=registration.path,
            changes={
                "status": [old, registration.status],
                "valid_until": [None, valid_until.isoformat() if valid_until else None],
            },
            reason=registration.decision_note,
        )
    return registration


def registration_withdraw(
    *, actor, registration: CommunityRegistration, note: str = ""
) -> CommunityRegistration:
    """End a pending or confirmed registration (the member moved, or stops serving):
    by the member online or by the community."""
    if not is_system(actor) and not _is_member_self(actor, registration.member):
        require_at_community(
            actor, Perm.REGISTRATION_CONFIRM, path=registration.path, org_path=registration.org_path
        )
    if registration.status not in (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED):
        raise ValidationError({"status": [_("该报到记录已结束")]})
    old = registration.status
    with transaction.atomic():
        registration.status = RegistrationStatus.WITHDRAWN
        registration.decision_note = clean(note, 200) or registration.decision_note
        registration.save(update_fields=["status", "decision_note", "updated_at"])
        registration.renewals.filter(status=RenewalStatus.PENDING).update(
            status=RenewalStatus.REJECTED, decided_at=timezone.now(), note=_("报到已撤回")
        )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=registration,
            object_repr=registration.member.person.name,
            path=registration.path,
            changes={"status": [old, RegistrationStatus.WITHDRAWN]},
            reason=clean(note, 500),
        )
    return registration
