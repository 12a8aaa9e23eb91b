"""The figures of supplies, defined once: the indicators, the landing page and the public
page all read `totals` (over the records a user may see, or over everything for the
public page). Every figure is a sum over ledger entries as of a moment."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from bastion.supplies.models import (
    APPROVED_STATUSES,
    Allocation,
    AllocationStatus,
    CashEntry,
    Donation,
    Donor,
    MoveKind,
    Shipment,
    StockMove,
)
from bastion.supplies.selectors.catalogue import value_of
from bastion.supplies.selectors.common import restrict
from bastion.supplies.selectors.ledger import ZERO_MONEY, cash_totals
from bastion.supplies.selectors.stock import StockRow, stock_rows


@dataclass
class Totals:
    as_of: dt.datetime
    donors_by_kind: dict[str, int] = field(default_factory=dict)
    donations_received: int = 0
    donations_by_category: dict[str, int] = field(default_factory=dict)
    value_in_kind: Decimal = ZERO_MONEY
    value_by_category: dict[str, Decimal] = field(default_factory=dict)
    unvalued_lines: int = 0
    cash: dict[str, Decimal] = field(default_factory=dict)
    allocations_approved: int = 0
    shipments: int = 0
    shipments_confirmed: int = 0
    shipments_short: int = 0
    requests_open: int = 0
    stock: list[StockRow] = field(default_factory=list)

    @property
    def donors(self) -> int:
        return sum(self.donors_by_kind.values())

    @property
    def stock_value(self) -> Decimal:
        return sum((r.value or ZERO_MONEY for r in self.stock), ZERO_MONEY)

    @property
    def reconciles(self) -> bool:
        return all(r.reconciles for r in self.stock)


@dataclass(frozen=True)
class Sources:
    """The record sets a set of figures is computed over."""

    donations: QuerySet
    moves: QuerySet
    cash: QuerySet
    allocations: QuerySet
    shipments: QuerySet


def scoped_sources(user, region_path: str | None = None) -> Sources:
    from bastion.supplies.selectors.allocations import ALLOCATION_FIELDS

    donations = restrict(Donation.objects.all(), user)
    moves = restrict(StockMove.objects.all(), user)
    cash = restrict(CashEntry.objects.all(), user)
    allocations = restrict(Allocation.objects.all(), user, **ALLOCATION_FIELDS)
    if region_path:
        donations = donations.filter(path__startswith=region_path)
        moves = moves.filter(path__startswith=region_path)
        cash = cash.filter(path__startswith=region_path)
        allocations = allocations.filter(
            Q(path__startswith=region_path) | Q(warehouse_path__startswith=region_path)
        )
    shipments = Shipment.objects.filter(allocation__in=allocations.values("pk"))
    return Sources(donations, moves, cash, allocations, shipments)


def public_sources() -> Sources:
    return Sources(
        Donation.objects.all(),
        StockMove.objects.all(),
        CashEntry.objects.all(),
        Allocation.objects.all(),
        Shipment.objects.all(),
    )


def received_donations(donations: QuerySet, as_of: dt.datetime) -> QuerySet:
    """Donations with something received by `as_of` and not cancelled."""
    return donations.filter(first_received_at__lte=as_of).filter(
        Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=as_of)
    )


def donors_of(donations: QuerySet, as_of: dt.datetime) -> QuerySet[Donor]:
    ids = received_donations(donations, as_of).values("donor_id")
    return Donor.objects.filter(pk__in=ids)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def value_in_kind(donations: QuerySet, as_of: dt.datetime):
    """(value of the goods received, value by category, donations by category, lines
    without a value) of `donations` by `as_of`: one grouped query per donation line, read
    as tuples."""
    rows = (
        StockMove.objects.filter(
            kind=MoveKind.RECEIVED,
            at__lte=as_of,
            lot__donation_line__donation__in=received_donations(donations, as_of).values("pk"),
        )
        .order_by()
        .values(
            "lot__donation_line_id",
            "lot__donation_line__donation_id",
            "lot__donation_line__declared_value",
            "lot__donation_line__quantity_base",
            "item__category",
            "item__reference_price",
        )
        .annotate(total=Sum("quantity"))
        .values_list(
            "lot__donation_line__donation_id",
            "lot__donation_line__declared_value",
            "lot__donation_line__quantity_base",
            "item__category",
            "item__reference_price",
            "total",
        )
    )
    donations_by_category: dict[str, set[int]] = defaultdict(set)
    value_by_category: dict[str, Decimal] = defaultdict(lambda: ZERO_MONEY)
    total, unvalued = ZERO_MONEY, 0
    for donation_id, declared, base, category, price, quantity in rows:
        if quantity <= 0:
            continue
        donations_by_category[category].add(donation_id)
        value = value_of(quantity, declared=declared, base=base, reference_price=price)
        if value is None:
            unvalued += 1
            continue
        value_by_category[category] += value
        total += value
    by_count = {k: len(v) for k, v in donations_by_category.items()}
    return total, dict(value_by_category), by_count, unvalued


def open_requests(allocations: QuerySet, as_of: dt.datetime) -> QuerySet:
    """Requests made by `as_of` and not decided by then (withdrawn ones excluded)."""
    return (
        allocations.filter(requested_at__lte=as_of)
        .filter(Q(status=AllocationStatus.REQUESTED) | Q(decided_at__gt=as_of))
        .exclude(status=AllocationStatus.CANCELLED)
    )


def approved_allocations(allocations: QuerySet, as_of: dt.datetime) -> QuerySet:
    return allocations.filter(status__in=APPROVED_STATUSES, decided_at__lte=as_of)


def confirmed_shipments(shipments: QuerySet, as_of: dt.datetime) -> QuerySet:
    return shipments.filter(issued_at__lte=as_of, received_at__lte=as_of)


def short_shipments(shipments: QuerySet) -> QuerySet:
    return shipments.filter(
        receipt_lines__received_base__lt=F("receipt_lines__issued_base")
    ).distinct()


def cash_by_kind(cash: QuerySet, as_of: dt.datetime) -> dict[str, Decimal]:
    rows = cash.filter(at__lte=as_of).order_by().values("kind").annotate(t=Sum("amount"))
    return cash_totals({r["kind"]: r["t"] for r in rows})


def totals(sources: Sources, *, as_of: dt.datetime | None = None) -> Totals:
    as_of = as_of or timezone.now()
    result = Totals(as_of=as_of)
    result.donors_by_kind = dict(
        Counter(donors_of(sources.donations, as_of).values_list("kind", flat=True))
    )
    result.donations_received = received_donations(sources.donations, as_of).count()
    (
        result.value_in_kind,
        result.value_by_category,
        result.donations_by_category,
        result.unvalued_lines,
    ) = value_in_kind(sources.donations, as_of)
    result.cash = cash_by_kind(sources.cash, as_of)
    result.requests_open = open_requests(sources.allocations, as_of).count()
    result.allocations_approved = approved_allocations(sources.allocations, as_of).count()
    result.shipments = sources.shipments.filter(issued_at__lte=as_of).count()
    confirmed = confirmed_shipments(sources.shipments, as_of)
    result.shipments_confirmed = confirmed.count()
    result.shipments_short = short_shipments(confirmed).count()
    result.stock = stock_rows(sources.moves, as_of=as_of)
    return result


def value_yuan(value: Decimal) -> int:
    """Yuan as a whole number for an indicator (half up)."""
    return _round(value)
