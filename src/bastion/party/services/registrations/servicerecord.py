"""The registration target's counterpart, the member's service record (what a member did
in the community)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action
from bastion.geo.models import Region
from bastion.party.models import PartyMember, ServiceRecordEntry
from bastion.party.services.common import (
    COMMUNITY_LEVELS,
    clean,
    is_system,
    require_at_community,
    save_audited,
    user_or_none,
)


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
