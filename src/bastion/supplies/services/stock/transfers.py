"""Transfers between warehouses: each lot drawn at the source becomes a new lot at the
target that keeps the donation it came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.audit import Action
from bastion.supplies.models import Item, Lot, LotSource, MoveKind, Transfer, Warehouse
from bastion.supplies.services.common import (
    Errors,
    audit,
    clean_text,
    lock_warehouses,
    moment,
    next_number,
    quantity_of,
    require_active,
    require_keeper,
    user_or_none,
)
from bastion.supplies.services.stock.lots import Stocks, _move


@dataclass
class TransferLine:
    item: Item | None
    quantity: Any
    unit: Any
    lot: Lot | None = None


def stock_transfer(
    *,
    actor,
    source: Warehouse,
    target: Warehouse,
    lines: list[TransferLine],
    note: str = "",
    at: dt.datetime | None = None,
) -> Transfer:
    """Move goods from `source` to `target`: per lot drawn, a transfer_out there and a
    transfer_in here into a new lot that keeps the donation it came from. The actor keeps
    `source`; `target` must be active."""
    require_keeper(actor, source)
    require_active(source)
    require_active(target)
    if source.pk == target.pk:
        raise ValidationError({"target": [_("调入仓库不能与调出仓库相同")]})
    if not lines:
        raise ValidationError({"lines": [_("请填写调拨的物资和数量")]})
    at = moment(at, field="at", label=_("调拨时间"))
    note = clean_text(note, field="note", label=_("备注"))
    with transaction.atomic():
        lock_warehouses(source, target)
        stocks = Stocks(source)
        errors = Errors()
        planned = []
        for index, line in enumerate(lines):
            field = f"lines.{index}.quantity"
            if line.item is None:
                errors.add(f"lines.{index}.item", _("第%(n)d行：请选择物资") % {"n": index + 1})
                continue
            label = _("第%(n)d行（%(i)s）调拨数量") % {"n": index + 1, "i": line.item.name}
            try:
                qty = quantity_of(line.item, line.quantity, line.unit, label=label)
                planned += stocks.of(line.item).draw(qty.base, lot=line.lot, label=label)
            except ValidationError as exc:
                errors.catch(field, exc)
        errors.raise_if_any()
        transfer = Transfer.objects.create(
            number=next_number("transfer", at),
            source=source,
            target=target,
            at=at,
            recorded_by=user_or_none(actor),
            note=note,
        )
        for lot, part in planned:
            _move(
                warehouse=source,
                lot=lot,
                kind=MoveKind.TRANSFER_OUT,
                quantity=-part,
                at=at,
                actor=actor,
                transfer=transfer,
            )
            moved = Lot.objects.create(
                warehouse=target,
                item_id=lot.item_id,
                source=LotSource.TRANSFER,
                donation_line=lot.donation_line,
                origin=lot,
                lot_code=lot.lot_code,
                expires_on=lot.expires_on,
                received_at=lot.received_at,
            )
            _move(
                warehouse=target,
                lot=moved,
                kind=MoveKind.TRANSFER_IN,
                quantity=part,
                at=at,
                actor=actor,
                transfer=transfer,
            )
        audit(
            actor,
            Action.CREATE,
            transfer,
            path=source.path,
            changes={
                "from": [None, source.code],
                "to": [None, target.code],
                "lots": [None, len(planned)],
            },
        )
    return transfer
