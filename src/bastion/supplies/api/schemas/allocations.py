"""Supplies API shapes: allocations and their shipments. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from ninja import Schema

from bastion.core.schemas import IsoDateTime


class RequestLineIn(Schema):
    item: str
    quantity: str
    unit: str | None = None
    note: str = ""


class AllocationIn(Schema):
    recipient: str  # "region:<code>", "org:<public_id>" or "team:<public_id>"
    reason: str
    lines: list[RequestLineIn]
    needed_by: dt.date | None = None
    disclose_recipient: bool = True


class AllocationFields(Schema):
    public_id: UUID
    number: str
    recipient_kind: str
    recipient_name: str
    status: str
    warehouse: UUID | None
    reason: str
    needed_by: dt.date | None
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    disclose_recipient: bool


class AllocationOut(AllocationFields):
    @staticmethod
    def resolve_warehouse(obj):
        return obj.warehouse.public_id if obj.warehouse_id else None


class SuppliesTraceOut(Schema):
    quantity: Decimal
    donation: str | None
    donor: str
    lot_code: str
    shipment: str


class AllocationLineOut(Schema):
    public_id: UUID
    item: str
    quantity: Decimal
    unit: str
    requested: Decimal
    approved: Decimal | None
    issued: Decimal
    confirmed: Decimal
    shortfall: Decimal
    awaiting_confirmation: Decimal
    base_unit: str
    trace: list[SuppliesTraceOut]


class ShipmentLineOut(Schema):
    line: UUID
    issued: Decimal
    received: Decimal
    shortfall: Decimal
    shortfall_note: str


class ShipmentOut(Schema):
    public_id: UUID
    number: str
    issued_at: dt.datetime
    received_at: dt.datetime | None
    receipt_note: str
    lines: list[ShipmentLineOut]


class AllocationDetailOut(AllocationFields):
    progress: str
    lines: list[AllocationLineOut]
    shipments: list[ShipmentOut]


class ApprovalIn(Schema):
    line: UUID
    quantity: str  # "0" for not approved
    unit: str | None = None
    lot: UUID | None = None


class SuppliesDecisionIn(Schema):
    lines: list[ApprovalIn]
    warehouse: UUID | None = None
    note: str = ""


class IssueLineIn(Schema):
    line: UUID
    quantity: str
    unit: str | None = None
    lot: UUID | None = None


class IssueIn(Schema):
    lines: list[IssueLineIn]
    note: str = ""


class ReceivedLineIn(Schema):
    line: UUID
    quantity: str
    unit: str | None = None
    note: str = ""


class ConfirmIn(Schema):
    lines: list[ReceivedLineIn]
    note: str = ""
    received_at: IsoDateTime | None = None
