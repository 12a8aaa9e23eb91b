"""Commitment letters signed by a venue, with their scanned copies, and their withdrawal."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.campaigns.models import Commitment, Venue
from bastion.campaigns.services.common import clean_reason, discard_files, user_or_none
from bastion.core.audit import Action, audit_record
from bastion.core.uploads import SCANS, upload_store


def commitment_record(
    *,
    actor,
    venue: Venue,
    signed_by: str,
    signed_on: dt.date,
    signer_role: str = "",
    scan=None,
    now: dt.datetime | None = None,
) -> Commitment:
    """Record a signed commitment letter with its scanned copy (image or PDF)."""
    now = now or timezone.now()
    if not can_on_path(actor, Perm.VISIT_RECORD, venue.path):
        raise PermissionDenied(_("没有登记承诺书的权限"))
    errors: dict[str, list[str]] = {}
    signed_by = (signed_by or "").strip()
    if not signed_by:
        errors["signed_by"] = [_("请填写签署人")]
    elif len(signed_by) > 60:
        errors["signed_by"] = [_("签署人姓名过长")]
    if signed_on is None:
        errors["signed_on"] = [_("请填写签署日期")]
    elif signed_on > timezone.localdate(now):
        errors["signed_on"] = [_("签署日期不能晚于今天")]
    if venue.closed_at is not None:
        errors["venue"] = [_("该场所已注销")]
    if errors:
        raise ValidationError(errors)
    stored = (
        upload_store(file=scan, actor=actor, allowed=SCANS, path=venue.path, field="scan")
        if scan is not None
        else None
    )
    try:
        with transaction.atomic():
            commitment = Commitment.objects.create(
                venue=venue,
                path=venue.path,
                signed_by=signed_by,
                signer_role=(signer_role or "").strip()[:40],
                signed_on=signed_on,
                scan=stored,
                recorded_by=user_or_none(actor),
                created_at=now,
            )
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=commitment,
                object_repr=f"{venue.name} · {signed_on}",
                changes={"venue": [None, str(venue.public_id)], "scan": [None, bool(stored)]},
            )
    except BaseException:
        discard_files([stored] if stored else [])
        raise
    return commitment


@transaction.atomic
def commitment_withdraw(
    *, actor, commitment: Commitment, reason: str, now: dt.datetime | None = None
) -> Commitment:
    """Mark a letter as withdrawn (entered for the wrong venue, signed by the wrong
    person); it stays on file with the reason."""
    if not can_on_path(actor, Perm.CAMPAIGN_MANAGE, commitment.path):
        raise PermissionDenied(_("只有村社区及以上干部可以作废承诺书"))
    reason = clean_reason(reason, message=_("请填写作废原因（至少 %(n)d 个字）"))
    if commitment.withdrawn_at is not None:
        return commitment
    commitment.withdrawn_at = now or timezone.now()
    commitment.withdrawn_reason = reason[:300]
    commitment.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=commitment,
        changes={"withdrawn": [False, True]},
        reason=reason,
    )
    return commitment
