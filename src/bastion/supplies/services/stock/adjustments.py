"""Adjustments (a stock count differs from the ledger) and write-offs (expired or
damaged goods)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.audit import Action
from bastion.supplies.models import LOSSES, Item, Lot, LotSource, MoveKind, StockMove, Warehouse
from bastion.supplies.services.common import (
    audit,
    clean_text,
    lock_warehouses,
    moment,
    quantity_of,
    require_active,
    require_keeper,
)
from bastion.supplies.services.stock.lots import Stock, _move


def _take(warehouse, item, quantity, *, lot, kind, at, actor, reason, label) -> list[StockMove]:
    """Draw `quantity` (from `lot` or first-in-first-out) and write one negative entry of
    `kind` per lot drawn; the caller holds the warehouse's lock."""
    try:
        draws = Stock(warehouse, item).draw(quantity, lot=lot, label=label)
    except ValidationError as exc:
        raise ValidationError({"quantity": exc.messages}) from None
    return [
        _move(
            warehouse=warehouse,
            lot=lot_obj,
            kind=kind,
            quantity=-part,
            at=at,
            actor=actor,
            reason=reason,
        )
        for lot_obj, part in draws
    ]


def stock_adjust(
    *,
    actor,
    warehouse: Warehouse,
    item: Item,
    quantity: Any,
    unit: Any,
    increase: bool,
    reason: str,
    lot: Lot | None = None,
    at: dt.datetime | None = None,
) -> list[StockMove]:
    """A stock count differs from the ledger: `increase` adds to `lot` (or to a new 盘盈
    lot), otherwise takes from `lot` or first-in-first-out. A reason is required."""
    require_keeper(actor, warehouse)
    require_active(warehouse)
    reason = clean_text(reason, field="reason", label=_("调整原因"), required=True)
    at = moment(at, field="at", label=_("发生时间"))
    label = _("调整数量")
    try:
        qty = quantity_of(item, quantity, unit, label=label)
    except ValidationError as exc:
        raise ValidationError({"quantity": exc.messages}) from None
    with transaction.atomic():
        lock_warehouses(warehouse)
        if increase:
            if lot is None:
                lot = Lot.objects.create(
                    warehouse=warehouse,
                    item=item,
                    source=LotSource.SURPLUS,
                    received_at=at,
                )
            elif lot.warehouse_id != warehouse.pk or lot.item_id != item.pk:
                raise ValidationError({"lot": [_("所选批次不属于该仓库的该物资")]})
            moves = [
                _move(
                    warehouse=warehouse,
                    lot=lot,
                    kind=MoveKind.ADJUSTED,
                    quantity=qty.base,
                    at=at,
                    actor=actor,
                    reason=reason,
                )
            ]
        else:
            moves = _take(
                warehouse, item, qty.base, lot=lot, kind=MoveKind.ADJUSTED, at=at, actor=actor,
                reason=reason, label=label,
            )  # fmt: skip
        audit(
            actor,
            Action.CREATE,
            moves[0],
            path=warehouse.path,
            changes={"adjusted": [None, f"{'+' if increase else '-'}{qty.base} {item.code}"]},
            reason=reason,
        )
    return moves


def stock_write_off(
    *,
    actor,
    warehouse: Warehouse,
    item: Item,
    quantity: Any,
    unit: Any,
    kind: str,
    reason: str,
    lot: Lot | None = None,
    at: dt.datetime | None = None,
) -> list[StockMove]:
    """Expired or damaged goods leave the stock (from `lot`, or first-in-first-out)."""
    require_keeper(actor, warehouse)
    if kind not in LOSSES:
        raise ValidationError({"kind": [_("报损类型：只能是过期或损坏")]})
    reason = clean_text(reason, field="reason", label=_("报损说明"), required=True)
    at = moment(at, field="at", label=_("发生时间"))
    label = _("报损数量")
    try:
        qty = quantity_of(item, quantity, unit, label=label)
    except ValidationError as exc:
        raise ValidationError({"quantity": exc.messages}) from None
    with transaction.atomic():
        lock_warehouses(warehouse)
        moves = _take(
            warehouse, item, qty.base, lot=lot, kind=kind, at=at, actor=actor, reason=reason,
            label=label,
        )  # fmt: skip
        audit(
            actor,
            Action.CREATE,
            moves[0],
            path=warehouse.path,
            changes={kind: [None, f"{qty.base} {item.code}"]},
            reason=reason,
        )
    return moves
