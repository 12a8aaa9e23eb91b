"""Shipments: a keeper of the warehouse issues what was approved, drawing lots
first-in-first-out or from a chosen lot; the receiving unit confirms what arrived and
notes any shortfall."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.audit import Action
from bastion.supplies.models import (
    APPROVED_STATUSES,
    Allocation,
    AllocationLine,
    Lot,
    MoveKind,
    Shipment,
    ShipmentReceiptLine,
)
from bastion.supplies.selectors.ledger import line_issued, shipment_issued
from bastion.supplies.services.allocations.notifications import (
    _notify_recipients,
    _notify_shortfall,
)
from bastion.supplies.services.allocations.recipients import can_request_for
from bastion.supplies.services.common import (
    Errors,
    audit,
    clean_text,
    in_base,
    lock_warehouses,
    moment,
    next_number,
    quantity_of,
    require_active,
    require_keeper,
    user_or_none,
)
from bastion.supplies.services.donations import line_label
from bastion.supplies.services.stock.lots import Stocks, _move


@dataclass
class IssueLine:
    line: AllocationLine
    quantity: Any
    unit: Any = None  # the requested unit by default
    lot: Lot | None = None  # else the lot chosen at approval, else first-in-first-out


def shipment_issue(
    *,
    actor,
    allocation: Allocation,
    lines: list[IssueLine],
    note: str = "",
    issued_at: dt.datetime | None = None,
) -> Shipment:
    """A keeper of the allocation's warehouse issues goods: per line at most what is
    approved and not yet issued, drawn from lots under the warehouse's row lock. Lines with
    quantity 0 are skipped; all or nothing."""
    allocation = Allocation.objects.select_related("warehouse").get(pk=allocation.pk)
    if allocation.status not in APPROVED_STATUSES or allocation.warehouse_id is None:
        raise ValidationError(_("只有已批准的分配才能出库"))
    warehouse = allocation.warehouse
    require_keeper(actor, warehouse)
    require_active(warehouse)
    note = clean_text(note, field="note", label=_("备注"))
    at = moment(issued_at, field="issued_at", label=_("出库时间"))
    with transaction.atomic():
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if allocation.status not in APPROVED_STATUSES:
            raise ValidationError(_("只有已批准的分配才能出库"))
        lock_warehouses(warehouse)
        own = {line.pk: line for line in allocation.lines.select_related("item__base_unit", "unit")}
        issued = line_issued(own)
        order = list(own)
        stocks = Stocks(warehouse)
        errors = Errors()
        planned: list[tuple[AllocationLine, Lot, Decimal]] = []
        for entry in lines:
            line = own.get(getattr(entry.line, "pk", None))
            if line is None:
                errors.add("lines", _("出库中有不属于本分配的物资"))
                continue
            index = order.index(line.pk)
            field = f"lines.{index}.quantity"
            label = line_label(index, line.item, _("出库数量"))
            try:
                qty = quantity_of(
                    line.item, entry.quantity, entry.unit or line.unit, label=label, allow_zero=True
                )
            except ValidationError as exc:
                errors.catch(field, exc)
                continue
            if qty.base == 0:
                continue
            left = (line.approved_base or Decimal(0)) - issued[line.pk]
            if qty.base > left:
                errors.add(
                    field,
                    _("%(label)s：超过批准数量。批准 %(ok)s，已出库 %(done)s，本次最多 %(left)s")
                    % {
                        "label": label,
                        "ok": in_base(line.item, line.approved_base or 0),
                        "done": in_base(line.item, issued[line.pk]),
                        "left": in_base(line.item, max(left, Decimal(0))),
                    },
                )
                continue
            issued[line.pk] += qty.base
            try:
                draws = stocks.of(line.item).draw(qty.base, lot=entry.lot or line.lot, label=label)
            except ValidationError as exc:
                errors.catch(field, exc)
                continue
            planned += [(line, lot, part) for lot, part in draws]
        if not planned and not errors:
            errors.add("lines", _("请至少填写一项出库数量"))
        errors.raise_if_any()
        shipment = Shipment.objects.create(
            number=next_number("shipment", at),
            allocation=allocation,
            warehouse=warehouse,
            issued_at=at,
            issued_by=user_or_none(actor),
            note=note,
        )
        for line, lot, part in planned:
            _move(
                warehouse=warehouse,
                lot=lot,
                kind=MoveKind.ISSUED,
                quantity=-part,
                at=at,
                actor=actor,
                shipment=shipment,
                allocation_line=line,
            )
        audit(
            actor,
            Action.CREATE,
            shipment,
            path=warehouse.path,
            changes={"allocation": [None, allocation.number], "lots": [None, len(planned)]},
        )
        _notify_recipients(allocation, shipment)
    return shipment


@dataclass
class ReceivedLine:
    line: AllocationLine
    quantity: Any  # may be 0
    unit: Any = None
    note: str = ""


def shipment_confirm(
    *,
    actor,
    shipment: Shipment,
    lines: list[ReceivedLine],
    note: str = "",
    received_at: dt.datetime | None = None,
) -> Shipment:
    """The receiving unit confirms a shipment once: what arrived of each line (never more
    than was issued in it) and, when less arrived, why. The shortfall stays visible."""
    allocation = shipment.allocation
    if not can_request_for(actor, allocation):
        raise PermissionDenied(_("只有接收单位可以确认收货"))
    note = clean_text(note, field="note", label=_("备注"))
    at = moment(received_at, field="received_at", label=_("收货时间"))
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if shipment.received_at is not None:
            raise ValidationError(_("该出库单已确认收货，不能重复确认"))
        if at < shipment.issued_at:
            raise ValidationError({"received_at": [_("收货时间：不能早于出库时间")]})
        issued = shipment_issued(shipment.pk)
        own = {
            line.pk: line
            for line in AllocationLine.objects.filter(pk__in=list(issued)).select_related(
                "item__base_unit", "unit"
            )
        }
        given = {getattr(r.line, "pk", None): r for r in lines}
        errors = Errors()
        rows = []
        for index, (pk, line) in enumerate(sorted(own.items())):
            field = f"lines.{index}.quantity"
            label = line_label(index, line.item, _("实收数量"))
            entry = given.get(pk)
            if entry is None:
                errors.add(field, _("%(label)s：请填写（未收到填 0）") % {"label": label})
                continue
            try:
                qty = quantity_of(
                    line.item, entry.quantity, entry.unit or line.unit, label=label, allow_zero=True
                )
            except ValidationError as exc:
                errors.catch(field, exc)
                continue
            if qty.base > issued[pk]:
                errors.add(
                    field,
                    _("%(label)s：不能超过本次出库数量 %(out)s（填写的是 %(got)s）")
                    % {
                        "label": label,
                        "out": in_base(line.item, issued[pk]),
                        "got": in_base(line.item, qty.base),
                    },
                )
                continue
            short_note = clean_text(
                entry.note, field=f"lines.{index}.note", label=_("短缺说明"), limit=200
            )
            if qty.base < issued[pk] and not short_note:
                errors.add(
                    f"lines.{index}.note",
                    _("%(label)s：少于出库数量 %(out)s，请说明短缺原因")
                    % {"label": label, "out": in_base(line.item, issued[pk])},
                )
                continue
            rows.append(
                ShipmentReceiptLine(
                    shipment=shipment,
                    allocation_line=line,
                    issued_base=issued[pk],
                    received_base=qty.base,
                    shortfall_note=short_note,
                )
            )
        if set(given) - set(own):
            errors.add("lines", _("确认中有本出库单没有的物资"))
        errors.raise_if_any()
        ShipmentReceiptLine.objects.bulk_create(rows)
        shipment.received_at = at
        shipment.received_by = user_or_none(actor)
        shipment.receipt_note = note
        shipment.save(update_fields=["received_at", "received_by", "receipt_note"])
        shortfall = sum((r.issued_base - r.received_base for r in rows), Decimal(0))
        audit(
            actor,
            Action.UPDATE,
            shipment,
            path=allocation.path,
            changes={
                "received": [
                    None,
                    {str(r.allocation_line.public_id): str(r.received_base) for r in rows},
                ],
                "shortfall": [None, str(shortfall)],
            },
        )
        if shortfall > 0:
            _notify_shortfall(shipment)
    return shipment
