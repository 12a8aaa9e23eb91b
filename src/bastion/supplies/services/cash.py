"""Cash on its own ledger: donated money arrives in an account, the county command
allocates it to purposes, the purpose's unit spends it with receipts (scans through
`core.uploads`), an unspent remainder returns. Never overspent: every write holds the
account's row lock and checks the derived balances after taking it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action
from bastion.core.uploads import SCANS, upload_store
from bastion.geo.models import Region
from bastion.supplies import units
from bastion.supplies.models import (
    CashAccount,
    CashEntry,
    CashKind,
    CashPurpose,
    Donation,
)
from bastion.supplies.selectors.ledger import (
    account_totals,
    donation_cash_received,
    purpose_totals,
)
from bastion.supplies.services.common import (
    audit,
    can,
    clean_text,
    moment,
    next_number,
    require,
    user_or_none,
)
from bastion.supplies.services.donations import mark_received

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
