"""Donated money arriving in an account, against the donation's pledge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action
from bastion.supplies.models import (
    CashAccount,
    CashEntry,
    CashKind,
    Donation,
)
from bastion.supplies.selectors.ledger import (
    donation_cash_received,
)
from bastion.supplies.services.cash.entries import (
    _entry,
    _lock,
    _money,
    _yuan,
    mask_account,
)
from bastion.supplies.services.common import (
    audit,
    clean_text,
    moment,
    require,
)
from bastion.supplies.services.donations import mark_received


def donation_cash_receive(
    *,
    actor,
    donation: Donation,
    account: CashAccount,
    amount: Any,
    reference: str = "",
    payer_account: str = "",
    at: dt.datetime | None = None,
) -> CashEntry:
    """Donated money arrives: a `received` entry, at most what is still outstanding of the
    pledge. The first receipt of a donation gives its acknowledgement number."""
    require(actor, Perm.DONATION_MANAGE, path=account.path)
    if not account.active:
        raise ValidationError({"account": [_("账户“%(n)s”已停用") % {"n": account.name}]})
    amount = _money(amount, field="amount", label=_("到账金额"))
    at = moment(at, field="at", label=_("到账时间"))
    reference = clean_text(reference, field="reference", label=_("交易流水号"), limit=60)
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        if donation.cancelled_at is not None:
            raise ValidationError(_("该捐赠已撤销，不能再登记"))
        account = _lock(account)
        received = donation_cash_received([donation.pk])[donation.pk]
        outstanding = donation.cash_pledged - received
        if amount > outstanding:
            raise ValidationError(
                {
                    "amount": [
                        _("到账金额超过认捐金额：认捐 %(p)s，已到账 %(r)s，本次最多 %(l)s")
                        % {
                            "p": _yuan(donation.cash_pledged),
                            "r": _yuan(received),
                            "l": _yuan(max(outstanding, Decimal(0))),
                        }
                    ]
                }
            )
        entry = _entry(
            account=account,
            kind=CashKind.RECEIVED,
            amount=amount,
            actor=actor,
            at=at,
            donation=donation,
            reference=reference,
            payer_account_masked=mask_account(payer_account),
        )
        mark_received(donation, at)
        audit(
            actor,
            Action.CREATE,
            entry,
            changes={"received": [None, str(amount)], "donation": [None, donation.number]},
        )
    return entry
