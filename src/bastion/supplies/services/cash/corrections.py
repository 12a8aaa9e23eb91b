"""Corrections of received or spent entries: a new entry holding the difference; the
original stays."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action
from bastion.supplies.models import (
    CashEntry,
    CashKind,
)
from bastion.supplies.selectors.ledger import (
    donation_cash_received,
    purpose_totals,
)
from bastion.supplies.services.cash.entries import (
    _entry,
    _lock,
    _money,
    _require_unallocated,
    _yuan,
)
from bastion.supplies.services.common import (
    audit,
    clean_text,
    require,
)


def cash_entry_correct(*, actor, entry: CashEntry, amount: Any, reason: str) -> CashEntry:
    """Correct a received or spent entry to `amount` (0 voids it): a new entry with the
    difference pointing at the last of the chain; the balances may not go below zero and
    a donation may not exceed its pledge."""
    require(actor, Perm.DONATION_MANAGE, path=entry.account.path)
    if entry.kind not in (CashKind.RECEIVED, CashKind.SPENT):
        raise ValidationError(_("只能更正到账或支出记录；用途金额请追加或结项"))
    reason = clean_text(reason, field="reason", label=_("更正原因"), required=True)
    if str(amount).strip() in ("0", "0.0", "0.00"):
        target = Decimal("0.00")
    else:
        target = _money(amount, field="amount", label=_("更正后金额"))
    with transaction.atomic():
        account = _lock(entry.account)
        root = entry
        while root.corrects_id is not None:
            root = CashEntry.objects.get(pk=root.corrects_id)
        last, effective = root, root.amount
        while (nxt := CashEntry.objects.filter(corrects=last).first()) is not None:
            last, effective = nxt, effective + nxt.amount
        delta = target - effective
        if delta == 0:
            raise ValidationError({"amount": [_("更正后金额与现有记录相同，无需更正")]})
        if root.kind == CashKind.RECEIVED:
            if delta < 0:
                _require_unallocated(account, -delta)
            elif root.donation_id:
                donation = root.donation
                received = donation_cash_received([donation.pk])[donation.pk]
                if received + delta > donation.cash_pledged:
                    raise ValidationError(
                        {
                            "amount": [
                                _("更正后超过认捐金额 %(p)s") % {"p": _yuan(donation.cash_pledged)}
                            ]
                        }
                    )
        elif delta > 0:
            remaining = purpose_totals([root.purpose_id])[root.purpose_id]["remaining"]
            if delta > remaining:
                raise ValidationError(
                    {"amount": [_("超支：该用途尚余 %(r)s") % {"r": _yuan(remaining)}]}
                )
        correction = _entry(
            account=account,
            kind=root.kind,
            amount=delta,
            actor=actor,
            at=timezone.now(),
            corrects=last,
            donation=root.donation,
            purpose=root.purpose,
            description=reason,
        )
        audit(
            actor,
            Action.UPDATE,
            correction,
            changes={"amount": [str(effective), str(target)]},
            reason=reason,
        )
    return correction
