"""What the public transparency page shows (no login): received donations with the donor
named only as agreed, allocations with the recipient named only as agreed, stock, cash.
Nothing here reads contact data, reasons for requests, or names of staff."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Sum

from bastion.supplies.models import (
    LOSSES,
    Allocation,
    AllocationLine,
    CashAccount,
    CashPurpose,
    Disclosure,
    Donation,
    DonationLine,
    MoveKind,
    Shipment,
    StockMove,
)
from bastion.supplies.selectors.common import get_or_404
from bastion.supplies.selectors.ledger import (
    ZERO,
    donation_cash_received,
    line_confirmed,
    line_issued,
    line_received,
)

SEARCH_LIMIT = 60
PURPOSES_SHOWN = 50


def _search(q: str) -> str:
    return (q or "").strip()[:SEARCH_LIMIT]


def public_donations(*, donor: str = "") -> QuerySet[Donation]:
    """Donations with something received and not cancelled, newest first. The donor
    search matches only donors who agreed to show their name."""
    qs = Donation.objects.filter(first_received_at__isnull=False, cancelled_at__isnull=True)
    text = _search(donor)
    if text:
        qs = qs.filter(donor__disclosure=Disclosure.NAME, donor__name__icontains=text)
    return (
        qs.select_related("donor")
        .prefetch_related(
            Prefetch(
                "lines", queryset=DonationLine.objects.select_related("item__base_unit", "unit")
            )
        )
        .order_by("-first_received_at", "-id")
    )


def public_donation_get(public_id) -> Donation:
    return get_or_404(public_donations(), public_id=public_id)


@dataclass
class PublicLine:
    line: DonationLine
    received: Decimal


def donation_rows(donations) -> list[tuple[Donation, list[PublicLine], Decimal]]:
    """A page of donations with their lines' received quantities and cash received (two
    grouped queries for the whole page)."""
    donations = list(donations)
    lines = [line for d in donations for line in d.lines.all()]
    received = line_received(line.pk for line in lines)
    cash = donation_cash_received(d.pk for d in donations)
    return [
        (d, [PublicLine(line, received[line.pk]) for line in d.lines.all()], cash[d.pk])
        for d in donations
    ]


def public_allocations(*, recipient: str = "") -> QuerySet[Allocation]:
    """Allocations from which something was issued, newest first. The recipient search
    matches only recipients who agreed to be named."""
    issued = Shipment.objects.filter(allocation=OuterRef("pk"))
    qs = Allocation.objects.filter(Exists(issued))
    text = _search(recipient)
    if text:
        qs = qs.filter(disclose_recipient=True, recipient_name__icontains=text)
    return qs.prefetch_related(
        Prefetch("lines", queryset=AllocationLine.objects.select_related("item__base_unit", "unit"))
    ).order_by("-decided_at", "-id")


def public_allocation_get(public_id) -> Allocation:
    return get_or_404(public_allocations(), public_id=public_id)


@dataclass
class PublicAllocationLine:
    line: AllocationLine
    issued: Decimal
    confirmed: Decimal
    pending: Decimal  # issued, not yet confirmed either way

    @property
    def shortfall(self) -> Decimal:
        return self.issued - self.confirmed - self.pending


def allocation_rows(allocations) -> list[tuple[Allocation, list[PublicAllocationLine]]]:
    allocations = list(allocations)
    lines = [line for a in allocations for line in a.lines.all()]
    ids = [line.pk for line in lines]
    issued = line_issued(ids)
    confirmed = line_confirmed(ids)
    pending = _unconfirmed_issued(ids)
    return [
        (
            a,
            [
                PublicAllocationLine(
                    line, issued[line.pk], confirmed[line.pk], pending.get(line.pk, ZERO)
                )
                for line in a.lines.all()
                if issued[line.pk] > 0
            ],
        )
        for a in allocations
    ]


def _unconfirmed_issued(line_ids: list[int]) -> dict[int, Decimal]:
    rows = (
        StockMove.objects.filter(
            kind=MoveKind.ISSUED,
            allocation_line_id__in=line_ids,
            shipment__received_at__isnull=True,
        )
        .order_by()
        .values("allocation_line_id")
        .annotate(total=Sum("quantity"))
    )
    return {r["allocation_line_id"]: -r["total"] for r in rows}


@dataclass
class Destination:
    """Where part of a donation line went: an allocation (recipient named as agreed)."""

    allocation: Allocation
    quantity: Decimal


@dataclass
class LineFate:
    line: DonationLine
    received: Decimal
    destinations: list[Destination] = field(default_factory=list)
    lost: Decimal = ZERO
    adjusted: Decimal = ZERO
    on_hand: Decimal = ZERO

    @property
    def issued(self) -> Decimal:
        return sum((d.quantity for d in self.destinations), ZERO)

    @property
    def reconciles(self) -> bool:
        return self.received + self.adjusted - self.issued - self.lost == self.on_hand


def donation_fate(donation: Donation) -> list[LineFate]:
    """Where every received unit of a donation is now: issued to which allocation, lost
    (expired, damaged), adjusted, or still in stock; from the lots that carry its lines."""
    lines = list(donation.lines.all())
    fates = {line.pk: LineFate(line=line, received=ZERO) for line in lines}
    moves = (
        StockMove.objects.filter(lot__donation_line__donation=donation)
        .order_by()
        .values("lot__donation_line_id", "kind", "shipment__allocation_id")
        .annotate(total=Sum("quantity"))
    )
    by_allocation: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for row in moves:
        fate = fates[row["lot__donation_line_id"]]
        total = row["total"]
        fate.on_hand += total
        kind = row["kind"]
        if kind == MoveKind.RECEIVED:
            fate.received += total
        elif kind == MoveKind.ISSUED:
            by_allocation[(fate.line.pk, row["shipment__allocation_id"])] -= total
        elif kind in LOSSES:
            fate.lost -= total
        elif kind == MoveKind.ADJUSTED:
            fate.adjusted += total
    allocations = Allocation.objects.in_bulk({a for _l, a in by_allocation})
    for (line_id, allocation_id), quantity in sorted(by_allocation.items()):
        fates[line_id].destinations.append(Destination(allocations[allocation_id], quantity))
    return list(fates.values())


def public_cash() -> tuple[list[CashAccount], list[CashPurpose]]:
    """Accounts with their totals; purposes with allocated and spent."""
    from bastion.supplies.selectors.cash import totals_of, with_sums

    accounts = list(with_sums(CashAccount.objects.order_by("path", "name"), "account"))
    for account in accounts:
        account.totals = totals_of(account)
    purposes = list(
        with_sums(CashPurpose.objects.order_by("-created_at", "-id"), "purpose")[:PURPOSES_SHOWN]
    )
    for purpose in purposes:
        purpose.totals = totals_of(purpose)
    return accounts, purposes
