"""Scoped reads of donors and donations, with what was received derived from the ledgers."""

from __future__ import annotations

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
    CashEntry,
    CashKind,
    Donation,
    DonationLine,
    DonationReceipt,
    Donor,
    MoveKind,
    StockMove,
)
from bastion.supplies.selectors.catalogue import line_value
from bastion.supplies.selectors.common import get_or_404, restrict
from bastion.supplies.selectors.ledger import (
    ZERO,
    ZERO_MONEY,
    donation_cash_received,
    line_received,
)

STATUSES = ("pledged", "partly_received", "received", "cancelled")


def status_label(code: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "pledged": _("已认捐，待到账"),
        "partly_received": _("部分到账"),
        "received": _("已全部到账"),
        "cancelled": _("已撤销"),
    }.get(code, code)


# --- Donors -----------------------------------------------------------------------------


def donor_list(*, user, q: str = "", kind: str = "") -> QuerySet[Donor]:
    qs = restrict(Donor.objects.all(), user)
    if q.strip():
        text = q.strip()
        qs = qs.filter(Q(name__icontains=text) | Q(contact_name__icontains=text))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(
        donation_count=Count("donations", filter=Q(donations__cancelled_at__isnull=True))
    ).order_by("name", "id")


def donor_get(*, user, public_id) -> Donor:
    return get_or_404(donor_list(user=user), public_id=public_id)


# --- Donations --------------------------------------------------------------------------


def _received_per_line():
    return Subquery(
        StockMove.objects.filter(kind=MoveKind.RECEIVED, lot__donation_line=OuterRef("pk"))
        .order_by()
        .values("lot__donation_line")
        .annotate(total=Sum("quantity"))
        .values("total")[:1]
    )


def with_status(qs: QuerySet[Donation]) -> QuerySet[Donation]:
    """Annotate `goods_open` (a line not wholly received) and `cash_received`, from which
    `status_of` derives the status; `status` filters use the same expressions."""
    money = DecimalField(max_digits=14, decimal_places=2)
    open_lines = (
        DonationLine.objects.filter(donation=OuterRef("pk"))
        .annotate(
            received=Coalesce(
                _received_per_line(),
                Value(ZERO),
                output_field=DecimalField(max_digits=18, decimal_places=3),
            )
        )
        .filter(received__lt=F("quantity_base"))
    )
    cash = Subquery(
        CashEntry.objects.filter(kind=CashKind.RECEIVED, donation=OuterRef("pk"))
        .order_by()
        .values("donation")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return qs.annotate(
        goods_open=Exists(open_lines),
        cash_received=Coalesce(cash, Value(ZERO_MONEY), output_field=money),
    )


def status_of(donation: Donation) -> str:
    if donation.cancelled_at is not None:
        return "cancelled"
    if donation.first_received_at is None:
        return "pledged"
    if not donation.goods_open and donation.cash_received >= donation.cash_pledged:
        return "received"
    return "partly_received"


def derive_status(donation: Donation, lines, received: dict, cash: Decimal) -> str:
    """The status from loaded lines and ledger sums (the same rule as `status_of`)."""
    if donation.cancelled_at is not None:
        return "cancelled"
    if cash <= 0 and not any(received[line.pk] > 0 for line in lines):
        return "pledged"
    complete = cash >= donation.cash_pledged and all(
        received[line.pk] >= line.quantity_base for line in lines
    )
    return "received" if complete else "partly_received"


def _status_filter(qs: QuerySet[Donation], status: str) -> QuerySet[Donation]:
    live = qs.filter(cancelled_at__isnull=True)
    if status == "cancelled":
        return qs.filter(cancelled_at__isnull=False)
    if status == "pledged":
        return live.filter(first_received_at__isnull=True)
    complete = Q(goods_open=False) & Q(cash_received__gte=F("cash_pledged"))
    received = live.filter(first_received_at__isnull=False)
    if status == "received":
        return received.filter(complete)
    if status == "partly_received":
        return received.exclude(complete)
    return qs


def donation_list(
    *, user, q: str = "", status: str = "", donor: Donor | None = None
) -> QuerySet[Donation]:
    """Donations the user may see, newest pledge first, with `status_of` annotations;
    `q` matches the donor's name or the acknowledgement number."""
    qs = with_status(restrict(Donation.objects.all(), user)).select_related("donor", "region")
    if q.strip():
        text = q.strip()
        qs = qs.filter(Q(donor__name__icontains=text) | Q(number__icontains=text))
    if donor is not None:
        qs = qs.filter(donor=donor)
    if status:
        qs = _status_filter(qs, status)
    return qs.annotate(line_count=Count("lines", distinct=True)).order_by("-pledged_on", "-id")


def donation_get(*, user, public_id) -> Donation:
    return get_or_404(donation_list(user=user), public_id=public_id)


@dataclass
class LineView:
    line: DonationLine
    received: Decimal
    outstanding: Decimal
    value: Decimal | None
    value_received: Decimal | None


@dataclass
class DonationView:
    donation: Donation
    status: str
    lines: list[LineView]
    cash_received: Decimal
    cash_entries: list[CashEntry]
    receipts: list[DonationReceipt]
    value: Decimal = ZERO_MONEY
    value_received: Decimal = ZERO_MONEY
    unvalued: int = 0
    moves_by_receipt: dict = field(default_factory=dict)

    @property
    def cash_outstanding(self) -> Decimal:
        return max(self.donation.cash_pledged - self.cash_received, ZERO_MONEY)

    @property
    def open_lines(self) -> list[LineView]:
        return [v for v in self.lines if v.outstanding > 0]


def donation_view(donation: Donation) -> DonationView:
    """Lines with what was received and what it is worth, cash entries, receipts."""
    lines = list(donation.lines.select_related("item__base_unit", "unit").order_by("id"))
    received = line_received(line.pk for line in lines)
    views = []
    total = total_received = ZERO_MONEY
    unvalued = 0
    for line in lines:
        value = line_value(line)
        got = line_value(line, received[line.pk])
        if value is None:
            unvalued += 1
        else:
            total += value
            total_received += got or ZERO_MONEY
        views.append(
            LineView(
                line=line,
                received=received[line.pk],
                outstanding=max(line.quantity_base - received[line.pk], ZERO),
                value=value,
                value_received=got,
            )
        )
    cash_entries = list(
        donation.cash_entries.select_related("account", "recorded_by").order_by("at", "id")
    )
    receipts = list(
        donation.receipts.select_related("warehouse", "received_by").order_by("received_at", "id")
    )
    moves: dict[int, list[StockMove]] = {}
    for move in (
        StockMove.objects.filter(receipt__in=receipts)
        .select_related("item__base_unit", "lot", "corrects")
        .order_by("at", "id")
    ):
        moves.setdefault(move.receipt_id, []).append(move)
    cash = donation_cash_received([donation.pk])[donation.pk]
    return DonationView(
        donation=donation,
        status=derive_status(donation, lines, received, cash),
        lines=views,
        cash_received=cash,
        cash_entries=cash_entries,
        receipts=receipts,
        value=total,
        value_received=total_received,
        unvalued=unvalued,
        moves_by_receipt=moves,
    )
