"""Cash accounts: opening one, and adjusting its balance (bank fees, interest)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action
from bastion.geo.models import Region
from bastion.supplies.models import (
    CashAccount,
    CashEntry,
    CashKind,
)
from bastion.supplies.services.cash.entries import (
    _entry,
    _lock,
    _money,
    _require_unallocated,
    mask_account,
)
from bastion.supplies.services.common import (
    audit,
    clean_text,
    require,
)


def cash_account_create(
    *, actor, name: str, region: Region, bank: str = "", account_number: str = ""
) -> CashAccount:
    """An account that receives donated money (Perm.DONATION_MANAGE at `region`); only the
    last four characters of the account number are kept."""
    require(actor, Perm.DONATION_MANAGE, path=region.path)
    name = clean_text(name, field="name", label=_("名称"), required=True, limit=80)
    if CashAccount.objects.filter(name=name).exists():
        raise ValidationError({"name": [_("账户“%(n)s”已存在") % {"n": name}]})
    account = CashAccount(
        name=name,
        bank=clean_text(bank, field="bank", label=_("开户行"), limit=80),
        account_masked=mask_account(account_number),
        region=region,
        path=region.path,
    )
    with transaction.atomic():
        account.full_clean()
        account.save()
        audit(actor, Action.CREATE, account, changes={"account": [None, account.account_masked]})
    return account


def cash_adjust(
    *, actor, account: CashAccount, amount: Any, increase: bool, reason: str
) -> CashEntry:
    """Bank fees, interest: an `adjusted` entry with a reason; never below what is
    allocated or on hand."""
    require(actor, Perm.DONATION_MANAGE, path=account.path)
    reason = clean_text(reason, field="reason", label=_("调整原因"), required=True)
    amount = _money(amount, field="amount", label=_("调整金额"))
    signed = amount if increase else -amount
    with transaction.atomic():
        account = _lock(account)
        if not increase:
            _require_unallocated(account, amount)
        entry = _entry(
            account=account,
            kind=CashKind.ADJUSTED,
            amount=signed,
            actor=actor,
            at=timezone.now(),
            description=reason,
        )
        audit(actor, Action.CREATE, entry, changes={"adjusted": [None, str(signed)]}, reason=reason)
    return entry
