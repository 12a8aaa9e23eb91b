"""Spending a purpose's money, with a receipt, by those allowed to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action
from bastion.core.uploads import SCANS, upload_store
from bastion.supplies.models import (
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
    _yuan,
)
from bastion.supplies.services.common import (
    audit,
    can,
    clean_text,
    moment,
)


def can_spend(actor, purpose: CashPurpose) -> bool:
    """Those who manage donations at the account, or the purpose's receiving unit."""
    if can(actor, Perm.DONATION_MANAGE, path=purpose.account.path):
        return True
    return bool(purpose.recipient_kind) and can(
        actor, Perm.ALLOCATION_REQUEST, path=purpose.path, org_path=purpose.org_path
    )


def cash_spend(
    *,
    actor,
    purpose: CashPurpose,
    amount: Any,
    payee: str,
    description: str,
    receipt,
    at: dt.datetime | None = None,
) -> CashEntry:
    """Money of a purpose is spent: a `spent` entry with its receipt (an uploaded scan or
    photo, or an already stored file); never beyond what remains of the purpose."""
    from bastion.core.models import StoredFile

    if not can_spend(actor, purpose):
        raise PermissionDenied(_("您不能登记该用途的支出"))
    if purpose.closed_at is not None:
        raise ValidationError(_("该用途已结项，不能再登记支出"))
    amount = _money(amount, field="amount", label=_("支出金额"))
    payee = clean_text(payee, field="payee", label=_("收款方"), required=True, limit=120)
    description = clean_text(description, field="description", label=_("支出说明"), required=True)
    at = moment(at, field="at", label=_("支出时间"))
    if receipt is None:
        raise ValidationError({"receipt": [_("请上传支出凭证（发票或收据的照片、扫描件）")]})
    with transaction.atomic():
        account = _lock(purpose.account)
        remaining = purpose_totals([purpose.pk])[purpose.pk]["remaining"]
        if amount > remaining:
            raise ValidationError(
                {
                    "amount": [
                        _("超支：用途“%(t)s”尚余 %(r)s，本次支出 %(a)s")
                        % {"t": purpose.title, "r": _yuan(remaining), "a": _yuan(amount)}
                    ]
                }
            )
        stored = (
            receipt
            if isinstance(receipt, StoredFile)
            else upload_store(
                file=receipt, actor=actor, allowed=SCANS, path=purpose.path, field="receipt"
            )
        )
        entry = _entry(
            account=account,
            kind=CashKind.SPENT,
            amount=amount,
            actor=actor,
            at=at,
            purpose=purpose,
            payee=payee,
            description=description,
            receipt_file=stored,
        )
        audit(actor, Action.CREATE, entry, changes={"spent": [None, str(amount)]})
    return entry
