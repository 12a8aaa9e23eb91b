"""Drawing from lots: the stock of an item in a warehouse, read under the warehouse's
lock, and the one way a ledger entry is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from bastion.supplies.models import Item, Lot, StockMove, Warehouse
from bastion.supplies.services.common import in_base, user_or_none


class Stock:
    """The lots of one item in one warehouse and what is in them, read under the lock as
    (lot, balance) pairs in first-in-first-out order; draws taken in this
    transaction are subtracted as they are planned. Only the lots drawn are loaded."""

    def __init__(self, warehouse: Warehouse, item: Item):
        self.warehouse = warehouse
        self.item = item
        rows = (
            StockMove.objects.filter(warehouse=warehouse, item=item)
            .order_by()
            .values("lot_id", "lot__received_at")
            .annotate(total=Sum("quantity"))
            .filter(total__gt=0)
            .order_by("lot__received_at", "lot_id")
            .values_list("lot_id", "total")
        )
        self.balances = dict(rows)  # insertion order: first in, first out
        self.order = list(self.balances)

    @property
    def on_hand(self) -> Decimal:
        return sum(self.balances.values(), Decimal("0.000"))

    def draw(self, quantity: Decimal, *, lot: Lot | None, label: str) -> list[tuple[Lot, Decimal]]:
        """Take `quantity` from `lot`, or first-in-first-out across lots; ValidationError
        (nothing taken) when there is not enough."""
        if lot is not None:
            if lot.warehouse_id != self.warehouse.pk or lot.item_id != self.item.pk:
                raise ValidationError(
                    _("%(label)s：所选批次不是仓库“%(w)s”中的%(i)s")
                    % {"label": label, "w": self.warehouse.name, "i": self.item.name}
                )
            available = self.balances.get(lot.pk, Decimal(0))
            if quantity > available:
                raise ValidationError(
                    _("%(label)s：库存不足。所选批次 %(lot)s 现有 %(have)s，需要 %(need)s")
                    % {
                        "label": label,
                        "lot": lot.lot_code or _("（无批号）"),
                        "have": in_base(self.item, available),
                        "need": in_base(self.item, quantity),
                    }
                )
            self.balances[lot.pk] = available - quantity
            return [(lot, quantity)]
        if quantity > self.on_hand:
            raise ValidationError(
                _("%(label)s：库存不足。仓库“%(w)s”现有%(i)s %(have)s，需要 %(need)s")
                % {
                    "label": label,
                    "w": self.warehouse.name,
                    "i": self.item.name,
                    "have": in_base(self.item, self.on_hand),
                    "need": in_base(self.item, quantity),
                }
            )
        taken: list[tuple[int, Decimal]] = []
        left = quantity
        for lot_id in self.order:
            available = self.balances[lot_id]
            if available <= 0:
                continue
            part = min(available, left)
            self.balances[lot_id] = available - part
            taken.append((lot_id, part))
            left -= part
            if left == 0:
                break
        lots = Lot.objects.in_bulk([lot_id for lot_id, _part in taken])
        return [(lots[lot_id], part) for lot_id, part in taken]


class Stocks:
    """Stock per item of one warehouse, loaded once per item within a transaction."""

    def __init__(self, warehouse: Warehouse):
        self.warehouse = warehouse
        self._by_item: dict[int, Stock] = {}

    def of(self, item: Item) -> Stock:
        if item.pk not in self._by_item:
            self._by_item[item.pk] = Stock(self.warehouse, item)
        return self._by_item[item.pk]


def _move(
    *,
    warehouse: Warehouse,
    lot: Lot,
    kind: str,
    quantity: Decimal,
    at: dt.datetime,
    actor,
    reason: str = "",
    **links,
) -> StockMove:
    return StockMove.objects.create(
        warehouse=warehouse,
        item_id=lot.item_id,
        lot=lot,
        kind=kind,
        quantity=quantity,
        path=warehouse.path,
        at=at,
        reason=reason,
        recorded_by=user_or_none(actor),
        **links,
    )
