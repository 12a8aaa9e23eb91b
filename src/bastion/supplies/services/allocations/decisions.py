"""The county command's decision on a request (Perm.ALLOCATION_APPROVE): each line
approved fully, partly or not at all, and the warehouse that issues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.audit import Action
from bastion.supplies.models import Allocation, AllocationLine, AllocationStatus, Lot, Warehouse
from bastion.supplies.services.allocations.notifications import _notify_decision
from bastion.supplies.services.allocations.recipients import can_approve
from bastion.supplies.services.common import (
    Errors,
    audit,
    clean_text,
    in_base,
    lock_warehouses,
    moment,
    quantity_of,
    require_active,
    user_or_none,
)
from bastion.supplies.services.donations import line_label
from bastion.supplies.services.stock.lots import Stocks


@dataclass
class Approval:
    line: AllocationLine
    quantity: Any  # 0 for "not approved"
    unit: Any = None  # the requested unit by default
    lot: Lot | None = None


def allocation_decide(
    *,
    actor,
    allocation: Allocation,
    approvals: list[Approval],
    warehouse: Warehouse | None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Allocation:
    """The command approves each line fully, partly or not at all (0) and names the
    warehouse that issues. All zero is a rejection and needs a note. A line may not be
    approved beyond what was asked, nor beyond what the warehouse holds now."""
    if not can_approve(actor, allocation):
        raise PermissionDenied(_("只有县指挥部可以审批物资分配"))
    note = clean_text(note, field="decision_note", label=_("审批意见"), limit=300)
    at = moment(at, field="decided_at", label=_("审批时间"))
    with transaction.atomic():
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if allocation.status != AllocationStatus.REQUESTED:
            raise ValidationError(
                _("该申请已是“%(s)s”，不能再审批") % {"s": allocation.get_status_display()}
            )
        own = {line.pk: line for line in allocation.lines.select_related("item__base_unit", "unit")}
        given = {getattr(a.line, "pk", None): a for a in approvals}
        errors = Errors()
        if set(given) - set(own):
            errors.add("lines", _("审批中有不属于本申请的物资"))
        decided: dict[int, tuple[Decimal, Lot | None]] = {}
        for index, line in enumerate(own.values()):
            approval = given.get(line.pk)
            field = f"lines.{index}.quantity"
            label = line_label(index, line.item, _("批准数量"))
            if approval is None:
                errors.add(field, _("%(label)s：请填写（不批准填 0）") % {"label": label})
                continue
            try:
                qty = quantity_of(
                    line.item,
                    approval.quantity,
                    approval.unit or line.unit,
                    label=label,
                    allow_zero=True,
                )
            except ValidationError as exc:
                errors.catch(field, exc)
                continue
            if qty.base > line.requested_base:
                errors.add(
                    field,
                    _("%(label)s：不能超过申请数量 %(asked)s")
                    % {"label": label, "asked": in_base(line.item, line.requested_base)},
                )
                continue
            decided[line.pk] = (qty.base, approval.lot)
        errors.raise_if_any()
        total = sum((q for q, _lot in decided.values()), Decimal(0))
        if total == 0:
            if not note:
                raise ValidationError({"decision_note": [_("不批准时请填写审批意见")]})
            status = AllocationStatus.REJECTED
        else:
            if warehouse is None:
                raise ValidationError({"warehouse": [_("请选择发货仓库")]})
            require_active(warehouse)
            status = (
                AllocationStatus.APPROVED
                if all(decided[pk][0] == line.requested_base for pk, line in own.items())
                else AllocationStatus.PARTLY_APPROVED
            )
            lock_warehouses(warehouse)
            stocks = Stocks(warehouse)
            for index, line in enumerate(own.values()):
                base, lot = decided[line.pk]
                if base == 0:
                    continue
                try:
                    stocks.of(line.item).draw(
                        base, lot=lot, label=line_label(index, line.item, _("批准数量"))
                    )
                except ValidationError as exc:
                    errors.catch(f"lines.{index}.quantity", exc)
            errors.raise_if_any()
        for line in own.values():
            line.approved_base, line.lot = decided[line.pk]
        AllocationLine.objects.bulk_update(list(own.values()), ["approved_base", "lot"])
        allocation.status = status
        allocation.decided_by = user_or_none(actor)
        allocation.decided_at = at
        allocation.decision_note = note
        if status != AllocationStatus.REJECTED:
            allocation.warehouse = warehouse
            allocation.warehouse_path = warehouse.path
        allocation.save()
        audit(
            actor,
            Action.UPDATE,
            allocation,
            changes={
                "status": [AllocationStatus.REQUESTED, status],
                "approved": [None, {str(pk): str(q) for pk, (q, _l) in decided.items()}],
            },
            reason=note,
        )
        _notify_decision(allocation)
    return allocation
