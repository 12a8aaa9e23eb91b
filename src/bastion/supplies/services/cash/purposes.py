"""Purposes: the county command sets money aside, tops it up, and closes it (the
unspent remainder returns to the account)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action
from bastion.supplies.models import (
    CashAccount,
    CashEntry,
    CashKind,
    CashPurpose,
)
from bastion.supplies.selectors.ledger import (
    purpose_totals,
)
from bastion.supplies.services.cash.entries import (
    _entry,
    _lock,
    _money,
    _require_unallocated,
)
from bastion.supplies.services.common import (
    audit,
    clean_text,
    moment,
    next_number,
    require,
    user_or_none,
)


def cash_purpose_create(
    *,
    actor,
    account: CashAccount,
    title: str,
    amount: Any,
    recipient=None,
    note: str = "",
    disclose_recipient: bool = True,
    at: dt.datetime | None = None,
) -> CashPurpose:
    """The county command sets money aside for a purpose (an `allocated` entry), optionally
    for a receiving unit that will spend it; never more than the account's unallocated
    balance."""
    from bastion.supplies.services.allocations import recipient_fields

    require(
        actor,
        Perm.ALLOCATION_APPROVE,
        path=account.path,
        message=_("只有县指挥部可以安排捐款用途"),
    )
    title = clean_text(title, field="title", label=_("用途"), required=True, limit=120)
    amount = _money(amount, field="amount", label=_("安排金额"))
    at = moment(at, field="at", label=_("安排时间"))
    if recipient is not None:
        fields = recipient_fields(recipient)
    else:
        fields = {
            "recipient_kind": "",
            "recipient_name": "",
            "path": account.path,
            "org_path": "",
        }
    with transaction.atomic():
        account = _lock(account)
        _require_unallocated(account, amount)
        purpose = CashPurpose(
            number=next_number("purpose", at),
            account=account,
            title=title,
            note=clean_text(note, field="note", label=_("说明")),
            approved_by=user_or_none(actor),
            disclose_recipient=disclose_recipient,
            **fields,
        )
        purpose.full_clean()
        purpose.save()
        entry = _entry(
            account=account,
            kind=CashKind.ALLOCATED,
            amount=amount,
            actor=actor,
            at=at,
            purpose=purpose,
            description=title,
        )
        audit(actor, Action.CREATE, purpose, changes={"allocated": [None, str(entry.amount)]})
    return purpose


def cash_purpose_top_up(*, actor, purpose: CashPurpose, amount: Any, note: str = "") -> CashEntry:
    """Add money to an open purpose."""
    require(actor, Perm.ALLOCATION_APPROVE, path=purpose.account.path)
    if purpose.closed_at is not None:
        raise ValidationError(_("该用途已结项"))
    amount = _money(amount, field="amount", label=_("追加金额"))
    with transaction.atomic():
        account = _lock(purpose.account)
        _require_unallocated(account, amount)
        entry = _entry(
            account=account,
            kind=CashKind.ALLOCATED,
            amount=amount,
            actor=actor,
            at=timezone.now(),
            purpose=purpose,
            description=clean_text(note, field="note", label=_("说明")) or purpose.title,
        )
        audit(actor, Action.UPDATE, purpose, changes={"allocated": [None, f"+{amount}"]})
    return entry


def cash_purpose_close(*, actor, purpose: CashPurpose, note: str = "") -> CashPurpose:
    """Close a purpose; what was not spent returns to the account (a `returned` entry)."""
    require(actor, Perm.ALLOCATION_APPROVE, path=purpose.account.path)
    with transaction.atomic():
        purpose = CashPurpose.objects.select_for_update().get(pk=purpose.pk)
        if purpose.closed_at is not None:
            raise ValidationError(_("该用途已结项"))
        account = _lock(purpose.account)
        remaining = purpose_totals([purpose.pk])[purpose.pk]["remaining"]
        now = timezone.now()
        if remaining > 0:
            _entry(
                account=account,
                kind=CashKind.RETURNED,
                amount=remaining,
                actor=actor,
                at=now,
                purpose=purpose,
                description=clean_text(note, field="note", label=_("说明")) or _("结项退回"),
            )
        purpose.closed_at = now
        purpose.save(update_fields=["closed_at", "updated_at"])
        audit(
            actor,
            Action.UPDATE,
            purpose,
            changes={"closed": [False, True], "returned": [None, str(remaining)]},
        )
    return purpose
