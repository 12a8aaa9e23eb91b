"""Party API shapes: fees. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from ninja import Schema

from bastion.party.api.schemas.organizations import OrganizationRef

CENT = Decimal("0.01")


class FeeEntryOut(Schema):
    public_id: UUID
    kind: str
    amount: Decimal
    balance_after: Decimal
    occurred_on: dt.date
    description: str
    has_receipt: bool
    corrects: UUID | None
    recorded_at: dt.datetime

    @staticmethod
    def resolve_has_receipt(obj) -> bool:
        return obj.receipt_id is not None

    @staticmethod
    def resolve_corrects(obj) -> UUID | None:
        return obj.corrects.public_id if obj.corrects_id else None


class FeeGrantOut(Schema):
    public_id: UUID
    organization: OrganizationRef
    grantor: OrganizationRef
    purpose: str
    document_no: str
    granted_on: dt.date
    granted: Decimal
    spent: Decimal
    balance: Decimal

    @staticmethod
    def resolve_granted(obj) -> Decimal:
        return Decimal(obj.granted).quantize(CENT)

    @staticmethod
    def resolve_spent(obj) -> Decimal:
        return (-Decimal(obj.spent_signed)).quantize(CENT)

    @staticmethod
    def resolve_balance(obj) -> Decimal:
        return Decimal(obj.balance).quantize(CENT)


class FeeGrantDetailOut(FeeGrantOut):
    entries: list[FeeEntryOut]

    @staticmethod
    def resolve_entries(obj) -> list:
        from bastion.party.selectors import fee_entries

        return list(fee_entries(obj))


class FeeGrantIn(Schema):
    grantor: str
    organization: str
    amount: str
    purpose: str
    document_no: str = ""
    granted_on: dt.date | None = None


class PartyReasonIn(Schema):
    reason: str


class AdjustIn(Schema):
    delta: str
    reason: str
