"""Supplies API shapes: warehouses, stock, lots and the ledger's moves. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from ninja import Schema


class WarehouseOut(Schema):
    public_id: UUID
    code: str
    name: str
    region: str
    address: str
    active: bool
    keepers: list[str]

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_keepers(obj) -> list[str]:
        return sorted(u.username for u in obj.keepers.all())


class WarehouseIn(Schema):
    code: str
    name: str
    region: str
    address: str = ""
    keepers: list[str] = []


class WarehousePatchIn(Schema):
    name: str | None = None
    address: str | None = None
    keepers: list[str] | None = None
    active: bool | None = None


class StockRowOut(Schema):
    item: str
    item_name: str
    base_unit: str
    received: Decimal
    transfer_in: Decimal
    adjusted: Decimal
    issued: Decimal
    transfer_out: Decimal
    lost: Decimal
    on_hand: Decimal
    value: Decimal | None
    reconciles: bool


class LotOut(Schema):
    public_id: UUID
    item: str
    lot_code: str
    source: str
    donation: str | None
    received_at: dt.datetime
    expires_on: dt.date | None
    balance: Decimal


class MoveOut(Schema):
    public_id: UUID
    warehouse: UUID
    item: str
    lot: UUID
    kind: str
    quantity: Decimal
    at: dt.datetime
    recorded_at: dt.datetime
    reason: str
    corrects: UUID | None
    donation: str | None
    shipment: str | None
    transfer: str | None

    @staticmethod
    def resolve_warehouse(obj):
        return obj.warehouse.public_id

    @staticmethod
    def resolve_item(obj):
        return obj.item.code

    @staticmethod
    def resolve_lot(obj):
        return obj.lot.public_id

    @staticmethod
    def resolve_corrects(obj):
        return obj.corrects.public_id if obj.corrects_id else None

    @staticmethod
    def resolve_donation(obj):
        line = obj.lot.donation_line
        return line.donation.number if line else None

    @staticmethod
    def resolve_shipment(obj):
        return obj.shipment.number if obj.shipment_id else None

    @staticmethod
    def resolve_transfer(obj):
        return obj.transfer.number if obj.transfer_id else None


class SuppliesAdjustIn(Schema):
    item: str
    quantity: str
    unit: str | None = None
    increase: bool
    reason: str
    lot: UUID | None = None


class WriteOffIn(Schema):
    item: str
    quantity: str
    unit: str | None = None
    kind: str  # expired / damaged
    reason: str
    lot: UUID | None = None


class TransferLineIn(Schema):
    item: str
    quantity: str
    unit: str | None = None
    lot: UUID | None = None


class SuppliesTransferIn(Schema):
    source: UUID
    target: UUID
    lines: list[TransferLineIn]
    note: str = ""


class TransferOut(Schema):
    public_id: UUID
    number: str
    source: UUID
    target: UUID
    at: dt.datetime

    @staticmethod
    def resolve_source(obj):
        return obj.source.public_id

    @staticmethod
    def resolve_target(obj):
        return obj.target.public_id


class SuppliesCorrectionIn(Schema):
    quantity: str  # what the entry should be, in the base unit (0 voids it)
    reason: str
