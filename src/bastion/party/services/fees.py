"""Party-fee grants (代县委管理党费下拨): the county grants, organizations spend with
receipts, balances come from the append-only ledger (`FeeEntry`).

Every entry is written while the grant's row is locked (`select_for_update`; SQLite
serializes writers with IMMEDIATE transactions), and stores the balance after it, which
a database constraint keeps at or above zero: two expenses entered at once cannot
spend the same yuan twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action, audit_record
from bastion.core.uploads import SCANS, private_root, upload_store
from bastion.party.models import FeeEntry, FeeEntryKind, FeeGrant, Organization
from bastion.party.services.common import clean, is_system, party_can, require, user_or_none

MAX_AMOUNT = Decimal("99999999.99")
CENT = Decimal("0.01")


def parse_amount(value, *, field: str = "amount") -> Decimal:
    """A positive amount of yuan with at most two decimals; ValidationError otherwise."""
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError({field: [_("金额必须是数字（元）")]}) from exc
    if not amount.is_finite():
        raise ValidationError({field: [_("金额必须是数字（元）")]})
    if amount <= 0:
        raise ValidationError({field: [_("金额必须大于0")]})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: [_("金额最多保留两位小数（分）")]})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: [_("金额过大")]})
    return amount.quantize(CENT)


def grant_balance(grant: FeeGrant) -> Decimal:
    """The balance from the ledger (sum of every entry)."""
    total = FeeEntry.objects.filter(grant=grant).aggregate(total=Sum("amount"))["total"]
    return (total or Decimal("0")).quantize(CENT)


def _append(
    *,
    actor,
    grant: FeeGrant,
    kind: str,
    amount: Decimal,
    occurred_on: dt.date,
    description: str,
    receipt=None,
    corrects: FeeEntry | None = None,
) -> FeeEntry:
    """Lock the grant, check the balance, write one entry. Call inside a transaction."""
    FeeGrant.objects.select_for_update().only("pk").get(pk=grant.pk)
    balance = grant_balance(grant)
    after = balance + amount
    if after < 0:
        raise ValidationError(
            {
                "amount": [
                    _("金额%(amount)s元超出该笔党费的余额%(balance)s元")
                    % {"amount": f"{-amount:.2f}", "balance": f"{balance:.2f}"}
                ]
            }
        )
    entry = FeeEntry(
        grant=grant,
        kind=kind,
        amount=amount,
        balance_after=after,
        occurred_on=occurred_on,
        description=clean(description, 300),
        receipt=receipt,
        corrects=corrects,
        recorded_by=user_or_none(actor),
    )
    entry.full_clean(validate_constraints=False)
    entry.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=entry,
        object_repr=f"{grant.organization.name} {entry.get_kind_display()} {amount:.2f}",
        path=grant.region_path,
        changes={"kind": [None, kind], "amount": [None, str(amount)], "balance": str(after)},
    )
    return entry


def fee_grant_create(
    *,
    actor,
    grantor: Organization,
    organization: Organization,
    amount,
    purpose: str,
    granted_on: dt.date | None = None,
    document_no: str = "",
) -> FeeGrant:
    """Grant `amount` yuan of party fees from `grantor` to an organization below it."""
    require(actor, Perm.PARTY_FEES, org_path=grantor.path, region_path=grantor.region_path)
    amount = parse_amount(amount)
    granted_on = granted_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not organization.path.startswith(grantor.path) or organization.pk == grantor.pk:
        errors["organization"] = [_("只能下拨给本组织的下级党组织")]
    elif organization.closed_on is not None:
        errors["organization"] = [_("该党组织已撤销")]
    if not clean(purpose, 200):
        errors["purpose"] = [_("请填写用途")]
    if granted_on > timezone.localdate():
        errors["granted_on"] = [_("下拨日期不能晚于今天")]
    if errors:
        raise ValidationError(errors)
    grant = FeeGrant(
        organization=organization,
        org_path=organization.path,
        region_path=organization.region_path,
        grantor=grantor,
        purpose=clean(purpose, 200),
        document_no=clean(document_no, 60),
        granted_on=granted_on,
        granted_by=user_or_none(actor),
    )
    grant.full_clean()
    with transaction.atomic():
        grant.save()
        _append(
            actor=actor,
            grant=grant,
            kind=FeeEntryKind.GRANT,
            amount=amount,
            occurred_on=granted_on,
            description=grant.purpose,
        )
    return grant


def fee_expense_record(
    *,
    actor,
    grant: FeeGrant,
    amount,
    spent_on: dt.date,
    description: str,
    receipt=None,
) -> FeeEntry:
    """The organization records what it spent from the grant, with a receipt (photo or
    PDF); refused when it would take the balance below zero."""
    require(actor, Perm.PARTY_MANAGE, org_path=grant.org_path, region_path=grant.region_path)
    amount = parse_amount(amount)
    errors: dict[str, list[str]] = {}
    if not clean(description, 300):
        errors["description"] = [_("请填写支出事项")]
    if spent_on > timezone.localdate():
        errors["spent_on"] = [_("支出日期不能晚于今天")]
    elif spent_on < grant.granted_on:
        errors["spent_on"] = [_("支出日期不能早于下拨日期")]
    if receipt is None and not is_system(actor):
        errors["receipt"] = [_("请上传票据（照片或PDF）")]
    if errors:
        raise ValidationError(errors)
    stored = None
    try:
        with transaction.atomic():
            if receipt is not None:
                stored = upload_store(
                    file=receipt,
                    actor=actor,
                    allowed=SCANS,
                    path=grant.region_path,
                    field="receipt",
                )
            return _append(
                actor=actor,
                grant=grant,
                kind=FeeEntryKind.EXPENSE,
                amount=-amount,
                occurred_on=spent_on,
                description=description,
                receipt=stored,
            )
    except Exception:
        if stored is not None:  # the row went with the transaction; the file goes too
            upload_discard_file(stored)
        raise


def fee_expense_reverse(*, actor, expense: FeeEntry, reason: str) -> FeeEntry:
    """Cancel an expense entered by mistake: a reversal entry gives the amount back (the
    expense stays in the ledger)."""
    grant = expense.grant
    if not party_can(actor, Perm.PARTY_FEES, org_path=grant.grantor.path):
        require(actor, Perm.PARTY_MANAGE, org_path=grant.org_path, region_path=grant.region_path)
    errors: dict[str, list[str]] = {}
    if expense.kind != FeeEntryKind.EXPENSE:
        errors["expense"] = [_("只能冲销支出记录")]
    elif expense.corrections.filter(kind=FeeEntryKind.REVERSAL).exists():
        errors["expense"] = [_("该支出已冲销")]
    if not clean(reason, 300):
        errors["reason"] = [_("请填写冲销原因")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _append(
            actor=actor,
            grant=grant,
            kind=FeeEntryKind.REVERSAL,
            amount=-expense.amount,
            occurred_on=timezone.localdate(),
            description=_("冲销：%(r)s") % {"r": clean(reason, 280)},
            corrects=expense,
        )


def fee_grant_adjust(*, actor, grant: FeeGrant, delta, reason: str) -> FeeEntry:
    """The granting organization corrects the amount granted (+ more, - less); the
    balance may not go below zero."""
    require(
        actor, Perm.PARTY_FEES, org_path=grant.grantor.path, region_path=grant.grantor.region_path
    )
    text = str(delta).strip()
    negative = text.startswith("-")
    amount = parse_amount(text.lstrip("+-"), field="delta")
    if not clean(reason, 300):
        raise ValidationError({"reason": [_("请填写调整原因")]})
    first = grant.entries.filter(kind=FeeEntryKind.GRANT).order_by("id").first()
    with transaction.atomic():
        return _append(
            actor=actor,
            grant=grant,
            kind=FeeEntryKind.ADJUSTMENT,
            amount=-amount if negative else amount,
            occurred_on=timezone.localdate(),
            description=_("调整下拨额：%(r)s") % {"r": clean(reason, 280)},
            corrects=first,
        )


def upload_discard_file(stored) -> None:
    """Remove a stored file whose database row was rolled back."""
    (private_root() / stored.storage_name).unlink(missing_ok=True)
