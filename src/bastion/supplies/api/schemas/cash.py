"""Supplies API shapes: cash accounts, purposes and entries. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from ninja import Schema


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
