"""Community registration (在职党员进社区报到): submit, confirm, renew, withdraw; the
registration target's counterpart, the member's service record.

A confirmed registration is in force until `valid_until` (set when confirmed, by
default BASTION_PARTY_REGISTRATION_DAYS after confirmation); after that it has lapsed
(derived when read) until it is renewed. A renewal is a `RegistrationRenewal` row:
the member asks online and the community confirms, or community staff renew offline
at once. The registration keeps its history of renewals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

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
    RegistrationRenewal,
    RegistrationStatus,
    RenewalStatus,
    ServiceRecordEntry,
)
from bastion.party.services.common import (
    COMMUNITY_LEVELS,
    clean,
    is_system,
    require_at_community,
    save_audited,
    user_or_none,
)

# A member may ask to renew this many days before the registration lapses (or after).
RENEWAL_WINDOW_DAYS = 30
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


# --- Renewal ---------------------------------------------------------------------------------


def _renewable(registration: CommunityRegistration, today: dt.date) -> None:
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ValidationError({"status": [_("只有已确认的报到可以续期")]})
    if registration.valid_until is None:
        raise ValidationError({"valid_until": [_("该报到长期有效，无需续期")]})


def registration_renew_request(
    *, actor, registration: CommunityRegistration, note: str = ""
) -> RegistrationRenewal:
    """The member asks to renew online, from RENEWAL_WINDOW_DAYS before the registration
    lapses; the community confirms."""
    if not is_system(actor) and not _is_member_self(actor, registration.member):
        raise Http404
    today = timezone.localdate()
    _renewable(registration, today)
    if registration.valid_until > today + dt.timedelta(days=RENEWAL_WINDOW_DAYS):
        raise ValidationError(
            {
                "valid_until": [
                    _("报到有效期至%(d)s，到期前%(n)d天内才能申请续期")
                    % {"d": registration.valid_until.isoformat(), "n": RENEWAL_WINDOW_DAYS}
                ]
            }
        )
    renewal = RegistrationRenewal(
        registration=registration,
        path=registration.path,
        org_path=registration.org_path,
        channel=RegistrationChannel.ONLINE,
        previous_valid_until=registration.valid_until,
        note=clean(note, 200),
        requested_by=user_or_none(actor),
    )
    try:
        save_audited(
            renewal,
            actor=actor,
            action=Action.CREATE,
            object_repr=registration.member.person.name,
            path=registration.path,
            changes={"previous_valid_until": [None, registration.valid_until.isoformat()]},
        )
    except IntegrityError as exc:
        raise ValidationError({"status": [_("已提交续期申请，请等待社区确认")]}) from exc
    return renewal


def _renewal_apply(
    *, actor, renewal: RegistrationRenewal, valid_until: dt.date | None, today: dt.date
) -> None:
    registration = CommunityRegistration.objects.select_for_update().get(pk=renewal.registration_id)
    base = max(today, registration.valid_until or today)
    new_until = valid_until or default_valid_until(base)
    if new_until is not None and new_until <= (registration.valid_until or today - dt.timedelta(1)):
        raise ValidationError({"valid_until": [_("新的有效期必须晚于原有效期")]})
    if new_until is not None and new_until < today:
        raise ValidationError({"valid_until": [_("有效期不能早于今天")]})
    renewal.status = RenewalStatus.CONFIRMED
    renewal.previous_valid_until = registration.valid_until
    renewal.valid_until = new_until
    renewal.decided_by = user_or_none(actor)
    renewal.decided_at = timezone.now()
    registration.valid_until = new_until
    registration.save(update_fields=["valid_until", "updated_at"])
    renewal.registration = registration


def registration_renew(
    *,
    actor,
    registration: CommunityRegistration,
    valid_until: dt.date | None = None,
    note: str = "",
) -> RegistrationRenewal:
    """Community staff renew a registration (confirming the member's pending request
    when there is one): `valid_until` defaults to one period after the later of today
    and the old date."""
    require_at_community(
        actor, Perm.REGISTRATION_CONFIRM, path=registration.path, org_path=registration.org_path
    )
    today = timezone.localdate()
    _renewable(registration, today)
    with transaction.atomic():
        renewal = (
            RegistrationRenewal.objects.select_for_update()
            .filter(registration=registration, status=RenewalStatus.PENDING)
            .first()
        )
        if renewal is None:
            renewal = RegistrationRenewal(
                registration=registration,
                path=registration.path,
                org_path=registration.org_path,
                channel=RegistrationChannel.OFFLINE,
                requested_by=user_or_none(actor),
            )
        if note:
            renewal.note = clean(note, 200)
        _renewal_apply(actor=actor, renewal=renewal, valid_until=valid_until, today=today)
        renewal.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=registration,
            object_repr=registration.member.person.name,
            path=registration.path,
            changes={
                "valid_until": [
                    renewal.previous_valid_until.isoformat()
                    if renewal.previous_valid_until
                    else None,
                    renewal.valid_until.isoformat() if renewal.valid_until else None,
                ]
            },
            reason=renewal.note,
        )
    registration.refresh_from_db()
    return renewal


def registration_renewal_reject(
    *, actor, renewal: RegistrationRenewal, note: str = ""
) -> RegistrationRenewal:
    """The community turns down a member's renewal request (the registration lapses)."""
    require_at_community(
        actor, Perm.REGISTRATION_CONFIRM, path=renewal.path, org_path=renewal.org_path
    )
    if renewal.status != RenewalStatus.PENDING:
        raise ValidationError({"status": [_("该续期申请已处理")]})
    with transaction.atomic():
        renewal.status = RenewalStatus.REJECTED
        renewal.note = clean(note, 200)
        renewal.decided_by = user_or_none(actor)
        renewal.decided_at = timezone.now()
        renewal.save(update_fields=["status", "note", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=renewal,
            object_repr=renewal.registration.member.person.name,
            path=renewal.path,
            changes={"status": [RenewalStatus.PENDING, RenewalStatus.REJECTED]},
            reason=renewal.note,
        )
    return renewal


# --- Service record (what a member did in the community) -----------------------------------


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError({"hours": [_("服务时长必须是数字")]}) from exc
    if not hours.is_finite() or hours < 0 or hours > 24:
        raise ValidationError({"hours": [_("服务时长应在0到24小时之间")]})
    return hours.quantize(Decimal("0.01"))


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
    reference returns the first entry unchanged. Staff entries (no `source`) need
    Perm.REGISTRATION_CONFIRM at the community. A correction (`corrects`) replaces the
    corrected entry's hours in every total; an entry is corrected once (correct the
    correction to change it again).
    """
    if not source and not is_system(actor):
        if community is None:
            raise ValidationError({"community": [_("请选择服务的社区")]})
        require_at_community(
            actor, Perm.REGISTRATION_CONFIRM, path=community.path, org_path=member.org_path
        )
    hours = _hours(hours)
    if served_on > timezone.localdate():
        raise ValidationError({"served_on": [_("服务日期不能晚于今天")]})
    if corrects is not None:
        if corrects.member_id != member.pk:
            raise ValidationError({"corrects": [_("只能更正同一党员的记录")]})
        if corrects.corrections.exists():
            raise ValidationError({"corrects": [_("该记录已被更正，请更正最新的一条")]})
    if source_ref:
        existing = ServiceRecordEntry.objects.filter(source=source, source_ref=source_ref).first()
        if existing is not None:
            return existing
    if community is not None and community.level not in COMMUNITY_LEVELS:
        raise ValidationError({"community": [_("请选择村或社区")]})
    description = clean(description, 300)
    if not description:
        raise ValidationError({"description": [_("请填写服务内容")]})
    entry = ServiceRecordEntry(
        member=member,
        community=community,
        path=community.path if community else member.region_path,
        org_path=member.org_path,
        served_on=served_on,
        hours=hours,
        description=description,
        source=clean(source, 30),
        source_ref=clean(source_ref, 64),
        corrects=corrects,
        recorded_by=user_or_none(actor),
    )
    entry.full_clean(validate_constraints=False)
    try:
        save_audited(
            entry,
            actor=actor,
            action=Action.CREATE,
            object_repr=member.person.name,
            path=entry.path,
            changes={
                "hours": [None, str(hours)],
                "served_on": [None, served_on.isoformat()],
                "corrects": [None, corrects.pk if corrects else None],
            },
        )
    except IntegrityError as exc:
        if source_ref:
            return ServiceRecordEntry.objects.get(source=source, source_ref=source_ref)
        raise ValidationError({"corrects": [_("该记录已被更正，请更正最新的一条")]}) from exc
    return entry
