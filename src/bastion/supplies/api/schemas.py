"""API shapes of the supplies app. Quantities are decimal strings in the item's base unit
unless a field says otherwise; money is a decimal string in yuan. Donor contact numbers
appear masked only.

No `from __future__ import annotations`: ninja builds models from runtime annotations.
"""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from ninja import Schema

from bastion.core.schemas import IsoDateTime

# --- Catalogue --------------------------------------------------------------------------


class SuppliesUnitOut(Schema):
    code: str
    name_zh: str
    name_en: str
    dimension: str
    standard_factor: Decimal | None


class SuppliesUnitIn(Schema):
    code: str
    name_zh: str
    name_en: str = ""
    dimension: str
    standard_factor: str | None = None


class ConversionOut(Schema):
    unit: str
    factor: Decimal

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code


class ItemOut(Schema):
    public_id: UUID
    code: str
    name: str
    spec: str
    category: str
    base_unit: str
    reference_price: Decimal | None
    active: bool
    conversions: list[ConversionOut]

    @staticmethod
    def resolve_base_unit(obj) -> str:
        return obj.base_unit.code

    @staticmethod
    def resolve_conversions(obj):
        return list(obj.conversions.all())


class ItemIn(Schema):
    code: str
    name: str
    category: str
    base_unit: str
    spec: str = ""
    reference_price: str | None = None


class ItemPatchIn(Schema):
    name: str | None = None
    spec: str | None = None
    category: str | None = None
    reference_price: str | None = None
    active: bool | None = None


class ConversionIn(Schema):
    unit: str
    factor: str


# --- Donors and donations ---------------------------------------------------------------


class DonorOut(Schema):
    public_id: UUID
    kind: str
    name: str
    disclosure: str
    public_name: str
    credit_code: str
    contact_name: str
    contact_phone_masked: str
    note: str
    region: str

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.path.rstrip("/").rsplit("/", 1)[-1]


class DonorIn(Schema):
    kind: str
    name: str
    region: str | None = None
    disclosure: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    credit_code: str = ""
    note: str = ""


class DonorPatchIn(Schema):
    kind: str | None = None
    name: str | None = None
    disclosure: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    credit_code: str | None = None
    note: str | None = None


class DonorRef(Schema):
    public_id: UUID
    name: str
    kind: str


class DonationFields(Schema):
    public_id: UUID
    number: str | None
    donor: DonorRef
    pledged_on: dt.date
    cash_pledged: Decimal
    status: str
    purpose: str
    region: str


class DonationOut(DonationFields):
    @staticmethod
    def resolve_region(obj) -> str:
        return obj.path.rstrip("/").rsplit("/", 1)[-1]

    @staticmethod
    def resolve_status(obj) -> str:
        from bastion.supplies.selectors.donations import status_of

        return status_of(obj)


class LineIn(Schema):
    item: str  # item code or name
    quantity: str
    unit: str | None = None  # unit code or name; the item's base unit when omitted
    declared_value: str | None = None
    lot_code: str = ""
    expires_on: dt.date | None = None


class DonationIn(Schema):
    donor: UUID
    pledged_on: dt.date
    lines: list[LineIn] = []
    cash_pledged: str | None = None
    region: str | None = None
    purpose: str = ""
    note: str = ""


class DonationLineOut(Schema):
    public_id: UUID
    item: str
    item_name: str
    quantity: Decimal
    unit: str
    quantity_base: Decimal
    base_unit: str
    received: Decimal
    outstanding: Decimal
    declared_value: Decimal | None
    value: Decimal | None
    value_received: Decimal | None
    lot_code: str
    expires_on: dt.date | None


class SuppliesReceiptOut(Schema):
    public_id: UUID
    warehouse: UUID
    received_at: dt.datetime
    note: str


class DonationDetailOut(DonationFields):
    lines: list[DonationLineOut]
    cash_received: Decimal
    value: Decimal
    value_received: Decimal
    receipts: list[SuppliesReceiptOut]
    acknowledgement_url: str | None


class ReceiveLineIn(Schema):
    line: UUID
    quantity: str
    unit: str | None = None
    lot_code: str | None = None
    expires_on: dt.date | None = None


class ReceiveIn(Schema):
    warehouse: UUID
    lines: list[ReceiveLineIn]
    received_at: IsoDateTime | None = None
    note: str = ""


class CashReceiveIn(Schema):
    account: UUID
    amount: str
    reference: str = ""
    payer_account: str = ""
    at: IsoDateTime | None = None


class SuppliesReasonIn(Schema):
    reason: str


# --- Warehouses and the ledger ----------------------------------------------------------


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


# --- Allocations ------------------------------------------------------------------------


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


# --- Cash -------------------------------------------------------------------------------


class SuppliesAccountOut(Schema):
    public_id: UUID
    name: str
    bank: str
    account_masked: str
    region: str
    active: bool
    totals: dict[str, Decimal]

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_totals(obj):
        from bastion.supplies.selectors.cash import totals_of

        return totals_of(obj)


class SuppliesAccountIn(Schema):
    name: str
    region: str
    bank: str = ""
    account_number: str = ""


class PurposeOut(Schema):
    public_id: UUID
    number: str
    account: UUID
    title: str
    recipient_kind: str
    recipient_name: str
    note: str
    closed_at: dt.datetime | None
    totals: dict[str, Decimal]

    @staticmethod
    def resolve_account(obj):
        return obj.account.public_id

    @staticmethod
    def resolve_totals(obj):
        from bastion.supplies.selectors.cash import totals_of

        totals = totals_of(obj)
        return {k: totals[k] for k in ("allocated", "spent", "remaining")}


class PurposeIn(Schema):
    account: UUID
    title: str
    amount: str
    recipient: str | None = None
    note: str = ""
    disclose_recipient: bool = True


class AmountIn(Schema):
    amount: str
    note: str = ""


class CashEntryOut(Schema):
    public_id: UUID
    account: UUID
    kind: str
    amount: Decimal
    at: dt.datetime
    donation: str | None
    purpose: str | None
    payee: str
    description: str
    reference: str
    has_receipt: bool
    corrects: UUID | None

    @staticmethod
    def resolve_account(obj):
        return obj.account.public_id

    @staticmethod
    def resolve_donation(obj):
        return obj.donation.number if obj.donation_id else None

    @staticmethod
    def resolve_purpose(obj):
        return obj.purpose.number if obj.purpose_id else None

    @staticmethod
    def resolve_has_receipt(obj) -> bool:
        return obj.receipt_file_id is not None

    @staticmethod
    def resolve_corrects(obj):
        return obj.corrects.public_id if obj.corrects_id else None


class CashCorrectionIn(Schema):
    amount: str
    reason: str


class CashAdjustIn(Schema):
    amount: str
    increase: bool
    reason: str


# --- Summary ----------------------------------------------------------------------------


class SummaryOut(Schema):
    as_of: dt.datetime
    donors: int
    donors_by_kind: dict[str, int]
    donations_received: int
    donations_by_category: dict[str, int]
    value_in_kind: Decimal
    value_by_category: dict[str, Decimal]
    cash: dict[str, Decimal]
    requests_open: int
    allocations_approved: int
    shipments: int
    shipments_confirmed: int
    shipments_short: int
    stock: list[StockRowOut]
    reconciles: bool
