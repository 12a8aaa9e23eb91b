"""Scoped reads of cash accounts, purposes and the cash ledger.

An account and its entries are visible by the account's region; a purpose also to its
receiving unit (its region or organization), with the entries booked on it.
"""

from __future__ import annotations

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from bastion.supplies.models import CashAccount, CashEntry, CashKind, CashPurpose
from bastion.supplies.selectors.common import can_view, get_or_404, restrict, visible_q
from bastion.supplies.selectors.ledger import ZERO_MONEY, cash_totals

PURPOSE_FIELDS = {"region_fields": ("path", "account__path"), "org_fields": ("org_path",)}


def _kind_sum(owner: str, kind: str):
    sums = (
        CashEntry.objects.filter(kind=kind, **{owner: OuterRef("pk")})
        .order_by()
        .values(owner)
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return Coalesce(
        Subquery(sums),
        Value(ZERO_MONEY),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def with_sums(qs: QuerySet, owner: str) -> QuerySet:
    """Annotate `sum_<kind>` for every cash kind (one query for a whole page)."""
    return qs.annotate(**{f"sum_{kind}": _kind_sum(owner, kind) for kind in CashKind.values})


def totals_of(obj) -> dict:
    """An annotated account's or purpose's totals (see `ledger.cash_totals`)."""
    by_kind = {kind: getattr(obj, f"sum_{kind}") for kind in CashKind.values}
    totals = cash_totals(by_kind)
    totals["remaining"] = totals["allocated"] - totals["spent"]
    return totals


def account_list(*, user) -> QuerySet[CashAccount]:
    return with_sums(restrict(CashAccount.objects.all(), user).select_related("region"), "account")


def account_get(*, user, public_id) -> CashAccount:
    return get_or_404(account_list(user=user), public_id=public_id)


def purpose_list(*, user, account: CashAccount | None = None, q: str = "") -> QuerySet[CashPurpose]:
    qs = with_sums(
        restrict(CashPurpose.objects.all(), user, **PURPOSE_FIELDS).select_related(
            "account", "approved_by"
        ),
        "purpose",
    )
    if account is not None:
        qs = qs.filter(account=account)
    if q.strip():
        text = q.strip()
        qs = qs.filter(
            Q(title__icontains=text) | Q(recipient_name__icontains=text) | Q(number__icontains=text)
        )
    return qs


def purpose_get(*, user, public_id) -> CashPurpose:
    return get_or_404(purpose_list(user=user), public_id=public_id)


def entry_list(
    *, user, account: CashAccount | None = None, purpose: CashPurpose | None = None
) -> QuerySet[CashEntry]:
    """Cash ledger entries: by the account's region, or those of purposes the user sees
    as their receiving unit."""
    if not can_view(user):
        return CashEntry.objects.none()
    qs = CashEntry.objects.all()
    by_account = visible_q(user, region_fields=("path",))
    if by_account is not None:
        by_purpose = visible_q(
            user, region_fields=("purpose__path",), org_fields=("purpose__org_path",)
        )
        qs = qs.filter(by_account | (Q(purpose__isnull=False) & by_purpose))
    if account is not None:
        qs = qs.filter(account=account)
    if purpose is not None:
        qs = qs.filter(purpose=purpose)
    return qs.select_related(
        "account", "purpose", "donation__donor", "recorded_by", "receipt_file", "corrects"
    ).order_by("at", "id")


def entry_get(*, user, public_id) -> CashEntry:
    return get_or_404(entry_list(user=user), public_id=public_id)
