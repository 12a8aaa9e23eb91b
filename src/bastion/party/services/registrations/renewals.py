"""Renewing a registration: the member asks online and the community confirms, or
community staff renew offline at once; each renewal is a `RegistrationRenewal` row."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action, audit_record
from bastion.party.models import (
    CommunityRegistration,
    RegistrationChannel,
    RegistrationRenewal,
    RegistrationStatus,
    RenewalStatus,
)
from bastion.party.services.common import (
    clean,
    is_system,
    require_at_community,
    save_audited,
    user_or_none,
)
from bastion.party.services.registrations.submission import _is_member_self, default_valid_until

# A member may ask to renew this many days before the registration lapses (or after).
RENEWAL_WINDOW_DAYS = 30


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
