"""Corrections of received, adjusted, expired or damaged entries: a new entry holding
the difference; the original stays."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.audit import Action
from bastion.supplies.models import DonationLine, MoveKind, StockMove
from bastion.supplies.selectors.ledger import line_received, lot_balance
from bastion.supplies.selectors.stock import move_chain
from bastion.supplies.services.common import (
    audit,
    clean_text,
    in_base,
    lock_warehouses,
    quantity_of,
    require_keeper,
)
from bastion.supplies.services.stock.lots import _move

CORRECTABLE = (MoveKind.RECEIVED, MoveKind.ADJUSTED, MoveKind.EXPIRED, MoveKind.DAMAGED)


def stock_move_correct(
    *, actor, move: StockMove, quantity: Any, reason: str, increase: bool | None = None
) -> StockMove:
    """Correct a received, adjusted, expired or damaged entry to `quantity` (in the
    item's base unit; 0 voids it): a new entry holding the difference, pointing at the
    last entry of the chain. The original stays. Issues and transfers are not corrected:
    goods that come back are a count adjustment, a wrong transfer is reversed by another."""
    warehouse = move.warehouse
    require_keeper(actor, warehouse)
    reason = clean_text(reason, field="reason", label=_("更正原因"), required=True)
    item = move.item
    if move.kind not in CORRECTABLE:
        raise ValidationError(
            _("“%(k)s”记录不能更正：货物退回仓库请登记盘盈调整并写明原因，调拨错了请反向调拨")
            % {"k": MoveKind(move.kind).label}
        )
    label = _("更正后数量")
    try:
        if str(quantity).strip() in ("0", "0.0", "0.000"):
            target = Decimal("0.000")
        else:
            target = quantity_of(item, quantity, item.base_unit, label=label).base
    except ValidationError as exc:
        raise ValidationError({"quantity": exc.messages}) from None
    with transaction.atomic():
        lock_warehouses(warehouse)
        chain = move_chain(move)
        root, last = chain[0], chain[-1]
        effective = sum((m.quantity for m in chain), Decimal(0))
        sign = Decimal(1)
        if root.kind in (MoveKind.EXPIRED, MoveKind.DAMAGED):
            sign = Decimal(-1)
        elif root.kind == MoveKind.ADJUSTED:
            if increase is None:
                increase = effective > 0
            sign = Decimal(1) if increase else Decimal(-1)
        delta = sign * target - effective
        if delta == 0:
            raise ValidationError({"quantity": [_("更正后数量与现有记录相同，无需更正")]})
        if delta < 0:
            have = lot_balance(root.lot_id)
            if have + delta < 0:
                raise ValidationError(
                    {
                        "quantity": [
                            _("更正后库存将为负数：该批次现有 %(have)s，更正需扣减 %(need)s")
                            % {"have": in_base(item, have), "need": in_base(item, -delta)}
                        ]
                    }
                )
        if root.kind == MoveKind.RECEIVED and delta > 0:
            _check_pledge(root.lot.donation_line, delta)
        correction = _move(
            warehouse=warehouse,
            lot=root.lot,
            kind=root.kind,
            quantity=delta,
            at=timezone.now(),
            actor=actor,
            reason=reason,
            corrects=last,
            receipt=root.receipt,
        )
        audit(
            actor,
            Action.UPDATE,
            correction,
            path=warehouse.path,
            changes={"quantity": [str(effective), str(effective + delta)]},
            reason=reason,
        )
    return correction


def _check_pledge(line: DonationLine | None, more: Decimal) -> None:
    if line is None:
        return
    received = line_received([line.pk])[line.pk]
    if received + more > line.quantity_base:
        raise ValidationError(
            {
                "quantity": [
                    _("更正后超过认捐数量：认捐 %(p)s，更正后将入库 %(r)s")
                    % {
                        "p": in_base(line.item, line.quantity_base),
                        "r": in_base(line.item, received + more),
                    }
                ]
            }
        )
