"""Balances derived from the ledgers (no scoping: callers pass records they may see).

Every figure here is a SUM over ledger entries, never a stored balance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, Sum

from bastion.supplies.models import CashEntry, CashKind, MoveKind, StockMove

ZERO = Decimal("0.000")
ZERO_MONEY = Decimal("0.00")


def _sums(qs, key: str, *, zero=ZERO, field: str = "quantity") -> dict:
    return defaultdict(
        lambda: zero,
        {
            row[key]: (row["total"] or zero).quantize(zero)
            for row in qs.order_by().values(key).annotate(total=Sum(field))
        },
    )


def lot_balances(*, warehouse_id: int, item_id: int, as_of=None) -> dict[int, Decimal]:
    """lot id -> what is in it now (only lots with something in them)."""
    qs = StockMove.objects.filter(warehouse_id=warehouse_id, item_id=item_id)
    if as_of is not None:
        qs = qs.filter(at__lte=as_of)
    return {lot: total for lot, total in _sums(qs, "lot_id").items() if total > 0}


def lot_balance(lot_id: int) -> Decimal:
    return StockMove.objects.filter(lot_id=lot_id).aggregate(t=Sum("quantity"))["t"] or ZERO


def line_received(line_ids: Iterable[int]) -> dict[int, Decimal]:
    """Donation line id -> base quantity received (corrections included)."""
    ids = list(line_ids)
    if not ids:
        return defaultdict(lambda: ZERO)
    return _sums(
        StockMove.objects.filter(kind=MoveKind.RECEIVED, lot__donation_line_id__in=ids),
        "lot__donation_line_id",
    )


def donation_cash_received(donation_ids: Iterable[int]) -> dict[int, Decimal]:
    ids = list(donation_ids)
    if not ids:
        return defaultdict(lambda: ZERO_MONEY)
    return _sums(
        CashEntry.objects.filter(kind=CashKind.RECEIVED, donation_id__in=ids),
        "donation_id",
        zero=ZERO_MONEY,
        field="amount",
    )


def line_issued(line_ids: Iterable[int]) -> dict[int, Decimal]:
    """Allocation line id -> base quantity issued (positive)."""
    ids = list(line_ids)
    if not ids:
        return defaultdict(lambda: ZERO)
    sums = _sums(
        StockMove.objects.filter(kind=MoveKind.ISSUED, allocation_line_id__in=ids),
        "allocation_line_id",
    )
    return defaultdict(lambda: ZERO, {k: -v for k, v in sums.items()})


def shipment_issued(shipment_id: int) -> dict[int, Decimal]:
    """Allocation line id -> base quantity issued in one shipment (positive)."""
    sums = _sums(
        StockMove.objects.filter(kind=MoveKind.ISSUED, shipment_id=shipment_id),
        "allocation_line_id",
    )
    return {k: -v for k, v in sums.items()}


def account_totals(account_id: int, *, as_of=None) -> dict[str, Decimal]:
    """received, adjusted, allocated, returned, spent, unallocated and balance of an account."""
    qs = CashEntry.objects.filter(account_id=account_id)
    if as_of is not None:
        qs = qs.filter(at__lte=as_of)
    return cash_totals(_sums(qs, "kind", zero=ZERO_MONEY, field="amount"))


def cash_totals(by_kind: dict) -> dict[str, Decimal]:
    get = lambda kind: by_kind.get(kind) or ZERO_MONEY  # noqa: E731
    received, adjusted = get(CashKind.RECEIVED), get(CashKind.ADJUSTED)
    allocated, returned, spent = (
        get(CashKind.ALLOCATED),
        get(CashKind.RETURNED),
        get(CashKind.SPENT),
    )
    return {
        "received": received,
        "adjusted": adjusted,
        "allocated": allocated - returned,
        "returned": returned,
        "spent": spent,
        "unallocated": received + adjusted - allocated + returned,
        "balance": received + adjusted - spent,
    }


def purpose_totals(purpose_ids: Iterable[int]) -> dict[int, dict[str, Decimal]]:
    """purpose id -> allocated (net of returns), spent, remaining."""
    ids = list(purpose_ids)
    out: dict[int, dict[str, Decimal]] = {
        pid: {"allocated": ZERO_MONEY, "spent": ZERO_MONEY, "remaining": ZERO_MONEY} for pid in ids
    }
    if not ids:
        return out
    rows = (
        CashEntry.objects.filter(purpose_id__in=ids)
        .filter(Q(kind=CashKind.ALLOCATED) | Q(kind=CashKind.RETURNED) | Q(kind=CashKind.SPENT))
        .order_by()
        .values("purpose_id", "kind")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        totals = out[row["purpose_id"]]
        if row["kind"] == CashKind.ALLOCATED:
            totals["allocated"] += row["total"]
        elif row["kind"] == CashKind.RETURNED:
            totals["allocated"] -= row["total"]
        else:
            totals["spent"] += row["total"]
    for totals in out.values():
        totals["remaining"] = totals["allocated"] - totals["spent"]
    return out


def line_confirmed(line_ids: Iterable[int]) -> dict[int, Decimal]:
    """Allocation line id -> quantity the receiving unit confirmed (base)."""
    from bastion.supplies.models import ShipmentReceiptLine

    ids = list(line_ids)
    if not ids:
        return defaultdict(lambda: ZERO)
    return _sums(
        ShipmentReceiptLine.objects.filter(allocation_line_id__in=ids),
        "allocation_line_id",
        field="received_base",
    )
