"""The venue registry: register a venue in a grid, change it, close it, and reissue its
check-in code."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.campaigns.contacts import clean_phone, contact_fields
from bastion.campaigns.models import Venue, VenueKind
from bastion.campaigns.services.common import clean_reason, user_or_none
from bastion.core.audit import Action, audit_record
from bastion.geo.models import Level, Region


def new_checkin_code() -> str:
    return secrets.token_urlsafe(12)


def _check_grid(actor, region: Region | None, errors: dict) -> None:
    if region is None:
        errors["region"] = [_("请选择所在网格")]
    elif region.level != Level.GRID:
        errors["region"] = [_("场所必须登记到网格")]
    elif not can_on_path(actor, Perm.CAMPAIGN_MANAGE, region.path):
        raise PermissionDenied(_("该网格不在您可管理的范围内"))


@transaction.atomic
def venue_create(
    *,
    actor,
    kind: VenueKind,
    name: str,
    region: Region,
    address: str = "",
    responsible_name: str = "",
    contact_phone: str = "",
) -> Venue:
    """Register a venue in a grid under the actor's CAMPAIGN_MANAGE; its check-in code
    is issued at once."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("场所名称不能为空")]
    if kind is None or not kind.active:
        errors["kind"] = [_("请选择场所类型")]
    _check_grid(actor, region, errors)
    phone = clean_phone(contact_phone, "contact_phone", errors)
    if not errors and Venue.objects.filter(region=region, name=name).exists():
        errors["name"] = [_("该网格已有同名场所")]
    if errors:
        raise ValidationError(errors)
    venue = Venue(
        kind=kind,
        name=name[:100],
        address=(address or "").strip()[:200],
        region=region,
        path=region.path,
        responsible_name=(responsible_name or "").strip()[:60],
        checkin_code=new_checkin_code(),
        created_by=user_or_none(actor),
        **contact_fields(phone),
    )
    venue.full_clean(exclude=["kind", "region", "created_by"])
    venue.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=venue,
        changes={
            "name": [None, venue.name],
            "kind": [None, kind.code],
            "grid": [None, region.code],
        },
    )
    return venue


def _require_manage(actor, venue: Venue) -> None:
    if not can_on_path(actor, Perm.CAMPAIGN_MANAGE, venue.path):
        raise PermissionDenied(_("只有村社区及以上干部可以修改场所信息"))


@transaction.atomic
def venue_update(
    *,
    actor,
    venue: Venue,
    kind: VenueKind | None = None,
    name: str | None = None,
    address: str | None = None,
    responsible_name: str | None = None,
    contact_phone: str | None = None,
) -> Venue:
    """Change a venue's kind, name, address or responsible person (it stays in its grid)."""
    _require_manage(actor, venue)
    errors: dict[str, list[str]] = {}
    changes: dict[str, list] = {}
    if kind is not None and kind.pk != venue.kind_id:
        changes["kind"] = [venue.kind.code, kind.code]
        venue.kind = kind
    if name is not None:
        name = name.strip()
        if not name:
            errors["name"] = [_("场所名称不能为空")]
        elif name != venue.name:
            if Venue.objects.filter(region_id=venue.region_id, name=name).exists():
                errors["name"] = [_("该网格已有同名场所")]
            changes["name"] = [venue.name, name]
            venue.name = name[:100]
    for attr, value, limit in (
        ("address", address, 200),
        ("responsible_name", responsible_name, 60),
    ):
        if value is not None and value.strip() != getattr(venue, attr):
            changes[attr] = [bool(getattr(venue, attr)), True]
            setattr(venue, attr, value.strip()[:limit])
    if contact_phone is not None:
        phone = clean_phone(contact_phone, "contact_phone", errors)
        fields = contact_fields(phone)
        if fields["contact_phone_masked"] != venue.contact_phone_masked:
            changes["contact_phone"] = [venue.contact_phone_masked, fields["contact_phone_masked"]]
            for attr, value in fields.items():
                setattr(venue, attr, value)
    if errors:
        raise ValidationError(errors)
    if not changes:
        return venue
    venue.full_clean(exclude=["kind", "region", "created_by"])
    venue.save()
    audit_record(actor=actor, action=Action.UPDATE, obj=venue, changes=changes)
    return venue


@transaction.atomic
def venue_close(*, actor, venue: Venue, reason: str, now: dt.datetime | None = None) -> Venue:
    """Take a venue off the registry (gone out of business); its records stay."""
    _require_manage(actor, venue)
    reason = clean_reason(reason, message=_("请填写注销原因（至少 %(n)d 个字）"))
    if venue.closed_at is None:
        venue.closed_at = now or timezone.now()
        venue.save(update_fields=["closed_at", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=venue,
            changes={"closed": [False, True]},
            reason=reason,
        )
    return venue


@transaction.atomic
def venue_checkin_code_reissue(*, actor, venue: Venue) -> Venue:
    """A new check-in code: the old printed QR code stops working."""
    _require_manage(actor, venue)
    venue.checkin_code = new_checkin_code()
    venue.save(update_fields=["checkin_code", "updated_at"])
    audit_record(
        actor=actor, action=Action.UPDATE, obj=venue, changes={"checkin_code": ["", "new"]}
    )
    return venue
