"""Scoped reads of allocations and shipments, and the trace from every issued quantity
back to the donation it came from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from bastion.supplies.models import (
    APPROVED_STATUSES,
    Allocation,
    AllocationLine,
    AllocationStatus,
    Donation,
    MoveKind,
    Shipment,
    StockMove,
)
from bastion.supplies.selectors.common import get_or_404, restrict
from bastion.supplies.selectors.ledger import ZERO, line_confirmed, line_issued

ALLOCATION_FIELDS = {"region_fields": ("path", "warehouse_path"), "org_fields": ("org_path",)}


def allocation_list(*, user, status: str = "", q: str = "", todo: str = "") -> QuerySet[Allocation]:
    """Allocations the user may see: as the receiving unit (its region or organization),
    as the command above it, or as the issuing warehouse's side.

    `todo`: "approve" (waiting for a decision), "issue" (approved, something left to
    issue), "confirm" (a shipment waiting for the recipient's confirmation).
    """
    qs = restrict(Allocation.objects.all(), user, **ALLOCATION_FIELDS).select_related(
        "warehouse", "requested_by"
    )
    if status:
        qs = qs.filter(status=status)
    if q.strip():
        text = q.strip()
        qs = qs.filter(Q(recipient_name__icontains=text) | Q(number__icontains=text))
    qs = qs.annotate(
        shipment_count=Count("shipments", distinct=True),
        unconfirmed=Count(
            "shipments", filter=Q(shipments__received_at__isnull=True), distinct=True
        ),
    )
    qs = qs.order_by("-requested_at", "-id")
    if todo == "approve":
        qs = qs.filter(status=AllocationStatus.REQUESTED)
    elif todo == "confirm":
        qs = qs.filter(unconfirmed__gt=0)
    elif todo == "issue":
        qs = qs.filter(status__in=APPROVED_STATUSES).filter(_issue_pending())
    return qs


def _issue_pending():
    """Exists: an approved line of the allocation not yet wholly issued."""
    issued = Subquery(
        StockMove.objects.filter(kind=MoveKind.ISSUED, allocation_line=OuterRef("pk"))
        .order_by()
        .values("allocation_line")
        .annotate(total=Sum("quantity"))
        .values("total")[:1]
    )
    lines = (
        AllocationLine.objects.filter(allocation=OuterRef("pk"), approved_base__gt=0)
        .annotate(
            issued=Coalesce(
                issued, Value(ZERO), output_field=DecimalField(max_digits=18, decimal_places=3)
            )
        )
        .filter(issued__gt=-F("approved_base"))
    )
    return Exists(lines)


def allocation_get(*, user, public_id) -> Allocation:
    return get_or_404(allocation_list(user=user), public_id=public_id)


def shipment_get(*, user, public_id) -> Shipment:
    visible = restrict(Allocation.objects.all(), user, **ALLOCATION_FIELDS).values("pk")
    qs = Shipment.objects.filter(allocation__in=visible).select_related(
        "allocation", "warehouse", "issued_by", "received_by"
    )
    return get_or_404(qs, public_id=public_id)


@dataclass
class TraceRow:
    """Part of an issued quantity and the donation lot it came from (donation None: a
    stock-count surplus with no donation behind it)."""

    quantity: Decimal
    donation: Donation | None
    lot_code: str
    shipment_number: str

    @property
    def donor_public_name(self) -> str:
        return self.donation.donor.public_name if self.donation else ""


@dataclass
class AllocationLineView:
    line: AllocationLine
    approved: Decimal | None
    issued: Decimal
    confirmed: Decimal
    shortfall: Decimal
    awaiting: Decimal  # issued in shipments not yet confirmed
    trace: list[TraceRow] = field(default_factory=list)

    @property
    def to_issue(self) -> Decimal:
        return max((self.approved or ZERO) - self.issued, ZERO)


@dataclass
class AllocationView:
    allocation: Allocation
    lines: list[AllocationLineView]
    shipments: list[Shipment]
    progress: str

    @property
    def shortfall(self) -> bool:
        return any(v.shortfall > 0 for v in self.lines)


def progress_of(allocation: Allocation, lines: list[AllocationLineView], shipments) -> str:
    """requested / rejected / cancelled / approved / issuing / issued / received."""
    if allocation.status not in APPROVED_STATUSES:
        return allocation.status
    if not shipments:
        return "approved"
    if any(v.to_issue > 0 for v in lines):
        return "issuing"
    if any(s.received_at is None for s in shipments):
        return "issued"
    return "received"


def progress_label(code: str) -> str:
    from django.utils.translation import gettext as _

    labels = {
        "approved": _("已批准，待出库"),
        "issuing": _("部分出库"),
        "issued": _("已出库，待确认收货"),
        "received": _("已确认收货"),
    }
    if code in labels:
        return labels[code]
    return AllocationStatus(code).label if code in AllocationStatus.values else code


def allocation_view(allocation: Allocation) -> AllocationView:
    """Lines with approved, issued, confirmed and shortfall; the trace of every issue."""
    lines = list(allocation.lines.select_related("item__base_unit", "unit", "lot").order_by("id"))
    ids = [line.pk for line in lines]
    issued = line_issued(ids)
    confirmed = line_confirmed(ids)
    shipments = list(
        allocation.shipments.select_related("warehouse", "issued_by", "received_by")
        .prefetch_related("receipt_lines")
        .order_by("issued_at", "id")
    )
    confirmed_issue: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for shipment in shipments:
        for row in shipment.receipt_lines.all():
            confirmed_issue[row.allocation_line_id] += row.issued_base
    trace = issue_trace(line_ids=ids)
    views = [
        AllocationLineView(
            line=line,
            approved=line.approved_base,
            issued=issued[line.pk],
            confirmed=confirmed[line.pk],
            shortfall=confirmed_issue[line.pk] - confirmed[line.pk],
            awaiting=issued[line.pk] - confirmed_issue[line.pk],
            trace=trace.get(line.pk, []),
        )
        for line in lines
    ]
    return AllocationView(
        allocation=allocation,
        lines=views,
        shipments=shipments,
        progress=progress_of(allocation, views, shipments),
    )


def issue_trace(*, line_ids: list[int]) -> dict[int, list[TraceRow]]:
    """allocation line id -> where its issued quantities came from, per donation lot."""
    if not line_ids:
        return {}
    rows = (
        StockMove.objects.filter(kind=MoveKind.ISSUED, allocation_line_id__in=line_ids)
        .order_by()
        .values(
            "allocation_line_id",
            "lot__donation_line__donation_id",
            "lot__lot_code",
            "shipment__number",
        )
        .annotate(total=Sum("quantity"))
    )
    rows = list(rows)
    donations = Donation.objects.select_related("donor").in_bulk(
        {r["lot__donation_line__donation_id"] for r in rows} - {None}
    )
    out: dict[int, list[TraceRow]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: (r["shipment__number"], r["lot__lot_code"])):
        out[r["allocation_line_id"]].append(
            TraceRow(
                quantity=-r["total"],
                donation=donations.get(r["lot__donation_line__donation_id"]),
                lot_code=r["lot__lot_code"] or "",
                shipment_number=r["shipment__number"] or "",
            )
        )
    return out
