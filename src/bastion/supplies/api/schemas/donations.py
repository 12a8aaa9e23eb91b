"""Supplies API shapes: donors, donations and their receipt (goods and cash). Donor
contact numbers appear masked only. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from ninja import Schema

from bastion.core.schemas import IsoDateTime


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
