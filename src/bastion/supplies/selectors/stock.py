"""Scoped reads of warehouses, lots and the stock ledger; stock on hand is a SUM of
ledger entries, per item and per lot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from bastion.supplies.models import (
    Item,
    Lot,
    MoveKind,
    StockMove,
    Transfer,
    Warehouse,
)
from bastion.supplies.selectors.catalogue import CENT, price_of
from bastion.supplies.selectors.common import get_or_404, restrict
from bastion.supplies.selectors.ledger import ZERO, ZERO_MONEY


def warehouse_list(*, user, active: bool | None = None) -> QuerySet[Warehouse]:
    qs = restrict(Warehouse.objects.all(), user).select_related("region")
    if active is not None:
        qs = qs.filter(active=active)
    return qs


def warehouse_get(*, user, public_id) -> Warehouse:
    return get_or_404(warehouse_list(user=user), public_id=public_id)


def move_list(
    *,
    user,
    warehouse: Warehouse | None = None,
    item: Item | None = None,
    kind: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    region_path: str | None = None,
) -> QuerySet[StockMove]:
    """Ledger entries the user may see (by the warehouse's region), oldest first."""
    qs = restrict(StockMove.objects.all(), user)
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if item is not None:
        qs = qs.filter(item=item)
    if kind:
        qs = qs.filter(kind=kind)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lte=until)
    if region_path:
        qs = qs.filter(path__startswith=region_path)
    return qs.select_related(
        "warehouse",
        "item__base_unit",
        "lot__donation_line__donation__donor",
        "recorded_by",
        "corrects",
        "shipment__allocation",
        "transfer",
        "receipt",
    ).order_by("at", "id")


def move_get(*, user, public_id) -> StockMove:
    return get_or_404(move_list(user=user), public_id=public_id)


def transfer_get(*, user, public_id) -> Transfer:
    visible = warehouse_list(user=user).values("pk")
    qs = Transfer.objects.select_related("source", "target", "recorded_by").filter(
        Q(source__in=visible) | Q(target__in=visible)
    )
    return get_or_404(qs, public_id=public_id)


@dataclass
class StockRow:
    """One item's ledger totals (base units) within a set of entries."""

    item: Item
    received: Decimal = ZERO
    issued: Decimal = ZERO
    transfer_in: Decimal = ZERO
    transfer_out: Decimal = ZERO
    adjusted: Decimal = ZERO
    lost: Decimal = ZERO
    on_hand: Decimal = ZERO
    value: Decimal | None = None
    warehouses: dict = field(default_factory=dict)

    @property
    def reconciles(self) -> bool:
        """received + in + adjusted - issued - out - lost == on hand (to the unit)."""
        flow = (
            self.received
            + self.transfer_in
            + self.adjusted
            - self.issued
            - self.transfer_out
            - self.lost
        )
        return flow == self.on_hand


_KIND_FIELD = {
    MoveKind.RECEIVED: ("received", 1),
    MoveKind.ISSUED: ("issued", -1),
    MoveKind.TRANSFER_IN: ("transfer_in", 1),
    MoveKind.TRANSFER_OUT: ("transfer_out", -1),
    MoveKind.ADJUSTED: ("adjusted", 1),
    MoveKind.EXPIRED: ("lost", -1),
    MoveKind.DAMAGED: ("lost", -1),
}


def stock_rows(moves: QuerySet[StockMove], *, as_of: dt.datetime | None = None) -> list[StockRow]:
    """Per item: totals by kind and stock on hand, from one grouped query, and on hand
    again from the lot balances (a second, independent SUM) for `reconciles`."""
    if as_of is not None:
        moves = moves.filter(at__lte=as_of)
    grouped = moves.order_by().values("item_id", "kind").annotate(total=Sum("quantity"))
    rows: dict[int, StockRow] = {}
    items = {}
    sums = list(grouped)
    if sums:
        items = Item.objects.select_related("base_unit").in_bulk({r["item_id"] for r in sums})
    for r in sums:
        row = rows.setdefault(r["item_id"], StockRow(item=items[r["item_id"]]))
        name, sign = _KIND_FIELD[r["kind"]]
        setattr(row, name, getattr(row, name) + sign * (r["total"] or ZERO))
    # Per lot, read as tuples (a county ledger has tens of thousands of lots), with what
    # values the lot: its donation line's declared value, else the item's reference price.
    per_lot = (
        moves.order_by()
        .values(
            "item_id",
            "warehouse_id",
            "lot_id",
            "lot__donation_line__declared_value",
            "lot__donation_line__quantity_base",
        )
        .annotate(total=Sum("quantity"))
        .filter(total__gt=0)
        .values_list(
            "item_id",
            "warehouse_id",
            "lot__donation_line__declared_value",
            "lot__donation_line__quantity_base",
            "total",
        )
    )
    for item_id, warehouse_id, declared, base, total in per_lot:
        row = rows[item_id]
        row.on_hand += total
        row.warehouses[warehouse_id] = row.warehouses.get(warehouse_id, ZERO) + total
        price = price_of(declared=declared, base=base, reference_price=row.item.reference_price)
        if price is not None:
            row.value = (row.value or ZERO_MONEY) + (price * total).quantize(CENT)
    return sorted(rows.values(), key=lambda row: (row.item.category, row.item.name))


@dataclass
class LotRow:
    lot: Lot
    balance: Decimal


def lot_rows(
    warehouse: Warehouse, *, item: Item | None = None, in_stock: bool = True
) -> list[LotRow]:
    """Lots of a warehouse with what is in each (oldest first: the issue order)."""
    qs = StockMove.objects.filter(warehouse=warehouse)
    if item is not None:
        qs = qs.filter(item=item)
    balances = {
        r["lot_id"]: r["total"]
        for r in qs.order_by().values("lot_id").annotate(total=Sum("quantity"))
    }
    if in_stock:
        balances = {k: v for k, v in balances.items() if v > 0}
    lots = Lot.objects.filter(pk__in=list(balances)).select_related(
        "item__base_unit", "donation_line__donation__donor"
    )
    return [
        LotRow(lot=lot, balance=balances[lot.pk])
        for lot in sorted(lots, key=lambda x: (x.item.name, x.received_at, x.pk))
    ]


def keeper_candidates(user):
    """Active users holding the warehouse keeper role inside the user's subtrees for
    Perm.DONATION_MANAGE (who may be named keepers of a warehouse there)."""
    from django.contrib.auth import get_user_model

    from bastion.access.models import RoleAssignment
    from bastion.access.roles import Perm, Role
    from bastion.access.scoping import restrict_by_path

    grants = restrict_by_path(
        RoleAssignment.objects.filter(role=Role.WAREHOUSE_KEEPER),
        user,
        Perm.DONATION_MANAGE,
        field_name="region_path",
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=grants.values("user_id"))
        .order_by("full_name", "username")
    )


def move_chain(move: StockMove) -> list[StockMove]:
    """The entry its corrections start from, then each correction in order."""
    root = move
    while root.corrects_id is not None:
        root = StockMove.objects.select_related("recorded_by").get(pk=root.corrects_id)
    chain = [root]
    while True:
        nxt = StockMove.objects.select_related("recorded_by").filter(corrects=chain[-1]).first()
        if nxt is None:
            return chain
        chain.append(nxt)
