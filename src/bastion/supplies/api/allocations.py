"""Allocations: request, decide, issue (shipments), confirm receipt, cancel.

No `from __future__ import annotations`: ninja and @paginate read the runtime annotations.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.core.pagination import PageNumberPagination
from bastion.supplies.api.common import api_user, item_named, one_of, unit_named
from bastion.supplies.api.schemas import (
    AllocationDetailOut,
    AllocationIn,
    AllocationOut,
    ConfirmIn,
    IssueIn,
    SuppliesDecisionIn,
    SuppliesReasonIn,
)
from bastion.supplies.models import AllocationLine, Lot
from bastion.supplies.selectors import allocations as sel
from bastion.supplies.selectors.recipients import recipient_from
from bastion.supplies.selectors.stock import warehouse_list
from bastion.supplies.services import allocations as services

router = Router(tags=["supplies"])


@router.get("/allocations", response=list[AllocationOut])
@paginate(PageNumberPagination, page_size=50)
def list_allocations(request, status: str = "", q: str = "", todo: str = ""):
    """Allocations in scope; `todo`: approve, issue or confirm (what waits for whom)."""
    return sel.allocation_list(user=api_user(request), status=status, q=q, todo=todo)


def _detail(user, public_id) -> dict:
    allocation = sel.allocation_get(user=user, public_id=public_id)
    view = sel.allocation_view(allocation)
    return {
        "public_id": allocation.public_id,
        "number": allocation.number,
        "recipient_kind": allocation.recipient_kind,
        "recipient_name": allocation.recipient_name,
        "status": allocation.status,
        "warehouse": allocation.warehouse.public_id if allocation.warehouse_id else None,
        "reason": allocation.reason,
        "needed_by": allocation.needed_by,
        "requested_at": allocation.requested_at,
        "decided_at": allocation.decided_at,
        "decision_note": allocation.decision_note,
        "disclose_recipient": allocation.disclose_recipient,
        "progress": view.progress,
        "lines": [
            {
                "public_id": v.line.public_id,
                "item": v.line.item.code,
                "quantity": v.line.quantity,
                "unit": v.line.unit.code,
                "requested": v.line.requested_base,
                "approved": v.approved,
                "issued": v.issued,
                "confirmed": v.confirmed,
                "shortfall": v.shortfall,
                "awaiting_confirmation": v.awaiting,
                "base_unit": v.line.item.base_unit.code,
                "trace": [
                    {
                        "quantity": t.quantity,
                        "donation": t.donation.number if t.donation else None,
                        "donor": t.donor_public_name,
                        "lot_code": t.lot_code,
                        "shipment": t.shipment_number,
                    }
                    for t in v.trace
                ],
            }
            for v in view.lines
        ],
        "shipments": [
            {
                "public_id": s.public_id,
                "number": s.number,
                "issued_at": s.issued_at,
                "received_at": s.received_at,
                "receipt_note": s.receipt_note,
                "lines": [
                    {
                        "line": _line_public_id(view, r.allocation_line_id),
                        "issued": r.issued_base,
                        "received": r.received_base,
                        "shortfall": r.shortfall_base,
                        "shortfall_note": r.shortfall_note,
                    }
                    for r in s.receipt_lines.all()
                ],
            }
            for s in view.shipments
        ],
    }


def _line_public_id(view, line_id):
    return next(v.line.public_id for v in view.lines if v.line.pk == line_id)


@router.post("/allocations", response={201: AllocationDetailOut})
def create_allocation(request, payload: AllocationIn):
    """A unit asks for goods; `recipient` is "region:<code>", "org:<public_id>" or
    "team:<public_id>" within the caller's scope."""
    user = api_user(request)
    recipient = recipient_from(user, Perm.ALLOCATION_REQUEST, payload.recipient)
    lines = []
    for index, line in enumerate(payload.lines):
        item = item_named(user, line.item, field=f"lines.{index}.item")
        lines.append(
            services.RequestLine(
                item=item,
                quantity=line.quantity,
                unit=unit_named(line.unit, field=f"lines.{index}.unit") or item.base_unit,
                note=line.note,
            )
        )
    allocation = services.allocation_request(
        actor=user,
        recipient=recipient,
        lines=lines,
        reason=payload.reason,
        needed_by=payload.needed_by,
        disclose_recipient=payload.disclose_recipient,
    )
    return Status(201, _detail(user, allocation.public_id))


@router.get("/allocations/{public_id}", response=AllocationDetailOut)
def get_allocation(request, public_id: UUID):
    return _detail(api_user(request), public_id)


def _lines(allocation, public_id, index: int) -> AllocationLine:
    line = allocation.lines.filter(public_id=public_id).first()
    if line is None:
        raise ValidationError({f"lines.{index}.line": [_("不是本分配的物资")]})
    return line


@router.post("/allocations/{public_id}/decision", response=AllocationDetailOut)
def decide(request, public_id: UUID, payload: SuppliesDecisionIn):
    """The command approves each line (quantity in the requested unit unless `unit` says
    otherwise; "0" not approved) and names the warehouse."""
    user = api_user(request)
    allocation = sel.allocation_get(user=user, public_id=public_id)
    warehouse = (
        one_of(warehouse_list(user=user), payload.warehouse, field="warehouse")
        if payload.warehouse
        else None
    )
    approvals = []
    for index, entry in enumerate(payload.lines):
        lot = (
            one_of(Lot.objects.filter(warehouse=warehouse), entry.lot, field=f"lines.{index}.lot")
            if entry.lot and warehouse
            else None
        )
        approvals.append(
            services.Approval(
                line=_lines(allocation, entry.line, index),
                quantity=entry.quantity,
                unit=unit_named(entry.unit, field=f"lines.{index}.unit"),
                lot=lot,
            )
        )
    services.allocation_decide(
        actor=user,
        allocation=allocation,
        approvals=approvals,
        warehouse=warehouse,
        note=payload.note,
    )
    return _detail(user, public_id)


@router.post("/allocations/{public_id}/shipments", response={201: AllocationDetailOut})
def issue(request, public_id: UUID, payload: IssueIn):
    """A keeper issues approved goods (quantities in the requested unit unless `unit`
    says otherwise; a lot, or first-in-first-out)."""
    user = api_user(request)
    allocation = sel.allocation_get(user=user, public_id=public_id)
    lots = Lot.objects.filter(warehouse_id=allocation.warehouse_id)
    lines = [
        services.IssueLine(
            line=_lines(allocation, entry.line, index),
            quantity=entry.quantity,
            unit=unit_named(entry.unit, field=f"lines.{index}.unit"),
            lot=one_of(lots, entry.lot, field=f"lines.{index}.lot") if entry.lot else None,
        )
        for index, entry in enumerate(payload.lines)
    ]
    services.shipment_issue(actor=user, allocation=allocation, lines=lines, note=payload.note)
    return Status(201, _detail(user, public_id))


@router.post("/shipments/{public_id}/receipt", response=AllocationDetailOut)
def confirm(request, public_id: UUID, payload: ConfirmIn):
    """The receiving unit confirms one shipment: per line what arrived (≤ issued; less
    needs a note); once."""
    user = api_user(request)
    shipment = sel.shipment_get(user=user, public_id=public_id)
    allocation = shipment.allocation
    lines = [
        services.ReceivedLine(
            line=_lines(allocation, entry.line, index),
            quantity=entry.quantity,
            unit=unit_named(entry.unit, field=f"lines.{index}.unit"),
            note=entry.note,
        )
        for index, entry in enumerate(payload.lines)
    ]
    services.shipment_confirm(
        actor=user,
        shipment=shipment,
        lines=lines,
        note=payload.note,
        received_at=payload.received_at,
    )
    return _detail(user, allocation.public_id)


@router.post("/allocations/{public_id}/cancel", response=AllocationDetailOut)
def cancel(request, public_id: UUID, payload: SuppliesReasonIn):
    user = api_user(request)
    allocation = sel.allocation_get(user=user, public_id=public_id)
    services.allocation_cancel(actor=user, allocation=allocation, reason=payload.reason)
    return _detail(user, public_id)
