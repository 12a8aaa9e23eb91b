"""The cash ledger's shared pieces: masking account numbers, parsing and showing
amounts, the account's row lock, the one way a cash entry is written, and the check
against the account's unallocated balance."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bastion.supplies import units
from bastion.supplies.models import (
    CashAccount,
    CashEntry,
)
from bastion.supplies.selectors.ledger import (
    account_totals,
)
from bastion.supplies.services.common import (
    user_or_none,
)

ACCOUNT_DIGITS = re.compile(r"[0-9A-Za-z]")


def mask_account(value: str) -> str:
    """A bank account kept only as its last four characters: "****1234"."""
    chars = ACCOUNT_DIGITS.findall(value or "")
    if not chars:
        return ""
    return "****" + "".join(chars[-4:])


def _money(value, *, field: str, label: str) -> Decimal:
    try:
        return units.parse_money(value, label=label)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def _yuan(value: Decimal) -> str:
    return _("%(v)s 元") % {"v": units.format_money(value)}


def _lock(account: CashAccount) -> CashAccount:
    return CashAccount.objects.select_for_update().get(pk=account.pk)


def _entry(*, account: CashAccount, kind: str, amount: Decimal, actor, at, **fields) -> CashEntry:
    entry = CashEntry(
        account=account,
        kind=kind,
        amount=amount,
        path=account.path,
        at=at,
        recorded_by=user_or_none(actor),
        **fields,
    )
    entry.full_clean()
    entry.save()
    return entry


def _require_unallocated(account: CashAccount, amount: Decimal) -> None:
    free = account_totals(account.pk)["unallocated"]
    if amount > free:
        raise ValidationError(
            {
                "amount": [
                    _("超出可安排金额：账户“%(a)s”尚未安排用途的余额为 %(f)s，本次 %(n)s")
                    % {"a": account.name, "f": _yuan(free), "n": _yuan(amount)}
                ]
            }
        )
