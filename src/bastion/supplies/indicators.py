"""Indicators owned by the supplies app (see core/indicators.py): donors by kind,
donations by category, value in kind, cash received, allocated, confirmed received, stock
on hand, requests open. Each reads the same functions as the supplies pages and the
public page (`selectors.summary`), over the records the user may see, as of a moment.

Money and quantities are whole numbers here (yuan and base units, rounded half up); the
pages and the API give them exactly.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy

from bastion.core.indicators import Indicator, Scope
from bastion.supplies.models import (
    CashEntry,
    CashKind,
    Category,
    DonorKind,
    Item,
    MoveKind,
    RecipientKind,
    StockMove,
)
from bastion.supplies.selectors import summary as figures


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _sources(scope: Scope) -> figures.Sources:
    return figures.scoped_sources(scope.user, scope.region_path)


# --- Donors ---------------------------------------------------------------------------


def donors_records(scope: Scope, as_of: dt.datetime) -> QuerySet:
    return figures.donors_of(_sources(scope).donations, as_of).select_related("region")


def donors_by_kind(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    donors = donors_records(scope, as_of)
    return [(kind, label, donors.filter(kind=kind).count()) for kind, label in DonorKind.choices]


# --- Donations of goods -----------------------------------------------------------------


def donations_in_kind_records(scope: Scope, as_of: dt.datetime) -> QuerySet:
    goods = StockMove.objects.filter(
        kind=MoveKind.RECEIVED, at__lte=as_of, lot__donation_line__donation=OuterRef("pk")
    )
    return figures.received_donations(_sources(scope).donations, as_of).filter(Exists(goods))


def donations_by_category(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    _total, _value, counts, _unvalued = figures.value_in_kind(_sources(scope).donations, as_of)
    return [(code, label, counts.get(code, 0)) for code, label in Category.choices]


def value_in_kind(scope: Scope, as_of: dt.datetime) -> int:
    total, _value, _counts, _unvalued = figures.value_in_kind(_sources(scope).donations, as_of)
    return _whole(total)


def value_by_category(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    _total, values, _counts, _unvalued = figures.value_in_kind(_sources(scope).donations, as_of)
    return [(code, label, _whole(values.get(code, Decimal(0)))) for code, label in Category.choices]


# --- Cash -------------------------------------------------------------------------------


def cash_records(scope: Scope, as_of: dt.datetime) -> QuerySet:
    received = CashEntry.objects.filter(
        kind=CashKind.RECEIVED, at__lte=as_of, donation=OuterRef("pk")
    )
    return (
        figures.received_donations(_sources(scope).donations, as_of)
        .filter(Exists(received))
        .select_related("region")
    )


def cash_received(scope: Scope, as_of: dt.datetime) -> int:
    return _whole(figures.cash_by_kind(_sources(scope).cash, as_of)["received"])


# --- Allocations ------------------------------------------------------------------------


def allocated_records(scope: Scope, as_of: dt.datetime) -> QuerySet:
    return figures.approved_allocations(_sources(scope).allocations, as_of)


def allocated_by_recipient(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    allocations = allocated_records(scope, as_of)
    return [
        (kind, label, allocations.filter(recipient_kind=kind).count())
        for kind, label in RecipientKind.choices
    ]


def confirmed_records(scope: Scope, as_of: dt.datetime) -> QuerySet:
    sources = _sources(scope)
    confirmed = figures.confirmed_shipments(sources.shipments, as_of)
    return sources.allocations.filter(pk__in=confirmed.values("allocation_id"))


def confirmed_breakdown(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    from django.utils.translation import gettext as _

    sources = _sources(scope)
    confirmed = figures.confirmed_shipments(sources.shipments, as_of)
    short = figures.short_shipments(confirmed).values("allocation_id")
    records = confirmed_records(scope, as_of)
    with_short = records.filter(pk__in=short).count()
    return [
        ("complete", _("足额收到"), records.count() - with_short),
        ("short", _("有短缺"), with_short),
    ]


def requests_open_records(scope: Scope, as_of: dt.datetime) -> QuerySet:
    return figures.open_requests(_sources(scope).allocations, as_of)


# --- Stock ------------------------------------------------------------------------------


def stock_records(scope: Scope, as_of: dt.datetime) -> QuerySet:
    rows = figures.stock_rows(_sources(scope).moves, as_of=as_of)
    return Item.objects.filter(pk__in=[r.item.pk for r in rows if r.on_hand > 0])


def stock_breakdown(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    rows = figures.stock_rows(_sources(scope).moves, as_of=as_of)
    return [
        (r.item.code, f"{r.item.name}（{r.item.base_unit.name_zh}）", _whole(r.on_hand))
        for r in rows
        if r.on_hand > 0
    ]


INDICATORS = [
    Indicator(
        code="supplies_donors",
        name_zh="捐赠单位和个人",
        name_en="Donors",
        unit_zh="个",
        unit_en="donors",
        description=gettext_lazy("截至统计时刻已有捐赠到账的捐赠方数（按类型）。"),
        records=donors_records,
        breakdown=donors_by_kind,
        record_view="supplies:donor_detail",
        tags=("supplies",),
    ),
    Indicator(
        code="supplies_donations_in_kind",
        name_zh="物资捐赠",
        name_en="Donations of goods",
        unit_zh="笔",
        unit_en="donations",
        description=gettext_lazy(
            "已收到物资的捐赠笔数（按物资类别；含两类物资的捐赠在两类中各计一次）。"
        ),
        records=donations_in_kind_records,
        breakdown=donations_by_category,
        record_view="supplies:donation_detail",
        tags=("supplies",),
    ),
    Indicator(
        code="supplies_value_in_kind",
        name_zh="捐赠物资价值",
        name_en="Value of donated goods",
        unit_zh="元",
        unit_en="yuan",
        description=gettext_lazy(
            "已收物资的申报价值（按到货比例）或参考价，取整到元，按物资类别分列。"
        ),
        records=donations_in_kind_records,
        count_fn=value_in_kind,
        breakdown=value_by_category,
        record_view="supplies:donation_detail",
        tags=("supplies",),
    ),
    Indicator(
        code="supplies_cash_received",
        name_zh="捐款到账",
        name_en="Cash received",
        unit_zh="元",
        unit_en="yuan",
        description=gettext_lazy("已到账的捐赠资金，取整到元。"),
        records=cash_records,
        count_fn=cash_received,
        record_view="supplies:donation_detail",
        tags=("supplies",),
    ),
    Indicator(
        code="supplies_allocated",
        name_zh="已批准物资分配",
        name_en="Allocations approved",
        unit_zh="笔",
        unit_en="allocations",
        description=gettext_lazy("截至统计时刻已全部或部分批准的物资申请数（按接收单位类型）。"),
        records=allocated_records,
        breakdown=allocated_by_recipient,
        record_view="supplies:allocation_detail",
        tags=("supplies",),
    ),
    Indicator(
        code="supplies_confirmed_received",
        name_zh="已确认收货的分配",
        name_en="Allocations confirmed received",
        unit_zh="笔",
        unit_en="allocations",
        description=gettext_lazy("接收单位已确认收货的调拨数，按是否登记短缺分列。"),
        records=confirmed_records,
        breakdown=confirmed_breakdown,
        record_view="supplies:allocation_detail",
        tags=("supplies",),
    ),
    Indicator(
        code="supplies_stock_on_hand",
        name_zh="有库存的物资",
        name_en="Items in stock",
        unit_zh="种",
        unit_en="items",
        description=gettext_lazy(
            "范围内仓库有库存的物资品种数；分项给出每种物资以基本单位计的数量（取整）。"
        ),
        records=stock_records,
        breakdown=stock_breakdown,
        record_view="supplies:item_detail",
        tags=("supplies",),
    ),
    Indicator(
        code="supplies_requests_open",
        name_zh="待审批物资申请",
        name_en="Supply requests awaiting approval",
        unit_zh="件",
        unit_en="requests",
        description=gettext_lazy("截至统计时刻已提交尚未审批的物资申请数。"),
        records=requests_open_records,
        record_view="supplies:allocation_detail",
        tags=("supplies",),
    ),
]
