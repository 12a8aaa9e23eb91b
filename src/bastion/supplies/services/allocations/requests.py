"""A unit's request for supplies (Perm.ALLOCATION_REQUEST over the recipient), and its
withdrawal before anything was issued."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action
from bastion.geo.models import Region
from bastion.party.models import Organization, Team
from bastion.supplies.models import (
    APPROVED_STATUSES,
    Allocation,
    AllocationLine,
    AllocationStatus,
    Item,
    Warehouse,
)
from bastion.supplies.services.allocations.notifications import _notify_approvers
from bastion.supplies.services.allocations.recipients import (
    can_approve,
    can_request_for,
    recipient_fields,
)
from bastion.supplies.services.common import (
    Errors,
    audit,
    can,
    clean_text,
    moment,
    next_number,
    quantity_of,
    user_or_none,
)
from bastion.supplies.services.donations import line_label


@dataclass
class RequestLine:
    item: Item | None
    quantity: Any
    unit: Any
    note: str = ""


def allocation_request(
    *,
    actor,
    recipient: Region | Organization | Team,
    lines: list[RequestLine],
    reason: str,
    needed_by: dt.date | None = None,
    warehouse: Warehouse | None = None,
    disclose_recipient: bool = True,
    at: dt.datetime | None = None,
) -> Allocation:
    """A unit asks for goods. `warehouse` is a suggestion; the command sets it on approval."""
    fields = recipient_fields(recipient)
    if not can(actor, Perm.ALLOCATION_REQUEST, path=fields["path"], org_path=fields["org_path"]):
        raise PermissionDenied(_("您不能代该单位申请物资"))
    reason = clean_text(reason, field="reason", label=_("需求说明"), required=True, limit=500)
    at = moment(at, field="requested_at", label=_("申请时间"))
    errors = Errors()
    built = []
    if not lines:
        errors.add("lines", _("请至少填写一行需要的物资"))
    seen: set[int] = set()
    for index, line in enumerate(lines):
        if line.item is None:
            errors.add(f"lines.{index}.item", line_label(index, None, _("物资：请选择物资")))
            continue
        if line.item.pk in seen:
            errors.add(
                f"lines.{index}.item", line_label(index, line.item, _("：同一物资请合并为一行"))
            )
            continue
        seen.add(line.item.pk)
        try:
            qty = quantity_of(
                line.item, line.quantity, line.unit, label=line_label(index, line.item, _("数量"))
            )
        except ValidationError as exc:
            errors.catch(f"lines.{index}.quantity", exc)
            continue
        built.append(
            AllocationLine(
                item=line.item,
                quantity=qty.entered,
                unit=qty.unit,
                requested_base=qty.base,
                note=clean_text(line.note, field=f"lines.{index}.note", label=_("说明"), limit=200),
            )
        )
    errors.raise_if_any()
    allocation = Allocation(
        number="",
        reason=reason,
        needed_by=needed_by,
        warehouse=warehouse,
        warehouse_path=warehouse.path if warehouse else "",
        disclose_recipient=disclose_recipient,
        requested_by=user_or_none(actor),
        requested_at=at,
        **fields,
    )
    with transaction.atomic():
        allocation.number = next_number("allocation", at)
        allocation.full_clean()
        allocation.save()
        for line in built:
            line.allocation = allocation
        AllocationLine.objects.bulk_create(built)
        audit(
            actor,
            Action.CREATE,
            allocation,
            changes={"recipient": [None, allocation.recipient_name], "lines": [None, len(built)]},
        )
        _notify_approvers(allocation)
    return allocation


def allocation_cancel(*, actor, allocation: Allocation, reason: str) -> Allocation:
    """The requesting side withdraws a request before anything was issued."""
    if not can_request_for(actor, allocation) and not can_approve(actor, allocation):
        raise PermissionDenied(_("您不能撤回该申请"))
    reason = clean_text(reason, field="reason", label=_("撤回原因"), required=True, limit=200)
    with transaction.atomic():
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if allocation.status not in (AllocationStatus.REQUESTED, *APPROVED_STATUSES):
            raise ValidationError(
                _("该申请已是“%(s)s”，不能撤回") % {"s": allocation.get_status_display()}
            )
        if allocation.shipments.exists():
            raise ValidationError(_("已有出库记录，不能撤回"))
        before = allocation.status
        allocation.status = AllocationStatus.CANCELLED
        allocation.save(update_fields=["status", "updated_at"])
        audit(
            actor,
            Action.UPDATE,
            allocation,
            changes={"status": [before, AllocationStatus.CANCELLED]},
            reason=reason,
        )
    return allocation
