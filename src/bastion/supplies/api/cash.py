"""Cash: accounts, purposes, spending with receipts (multipart), corrections, adjustments.

No `from __future__ import annotations`: ninja and @paginate read the runtime annotations.
"""

import datetime as dt
from uuid import UUID

from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.core.pagination import PageNumberPagination
from bastion.supplies.api.common import api_user, one_of, region_for
from bastion.supplies.api.schemas import (
    AmountIn,
    CashAdjustIn,
    CashCorrectionIn,
    CashEntryOut,
    PurposeIn,
    PurposeOut,
    SuppliesAccountIn,
    SuppliesAccountOut,
)
from bastion.supplies.selectors import cash as sel
from bastion.supplies.selectors.recipients import recipient_from
from bastion.supplies.services import cash as services

router = Router(tags=["supplies"])


@router.get("/accounts", response=list[SuppliesAccountOut])
def list_accounts(request):
    return list(sel.account_list(user=api_user(request)))


@router.post("/accounts", response={201: SuppliesAccountOut})
def create_account(request, payload: SuppliesAccountIn):
    user = api_user(request)
    account = services.cash_account_create(
        actor=user,
        name=payload.name,
        region=region_for(user, Perm.DONATION_MANAGE, payload.region),
        bank=payload.bank,
        account_number=payload.account_number,
    )
    # The answer carries the totals, which the selector's annotations compute.
    return Status(201, sel.account_get(user=user, public_id=account.public_id))


@router.get("/accounts/{public_id}", response=SuppliesAccountOut)
def get_account(request, public_id: UUID):
    return sel.account_get(user=api_user(request), public_id=public_id)


@router.post("/accounts/{public_id}/adjustments", response={201: CashEntryOut})
def adjust_account(request, public_id: UUID, payload: CashAdjustIn):
    user = api_user(request)
    account = sel.account_get(user=user, public_id=public_id)
    entry = services.cash_adjust(
        actor=user,
        account=account,
        amount=payload.amount,
        increase=payload.increase,
        reason=payload.reason,
    )
    return Status(201, entry)


@router.get("/purposes", response=list[PurposeOut])
@paginate(PageNumberPagination, page_size=50)
def list_purposes(request, q: str = ""):
    return sel.purpose_list(user=api_user(request), q=q)


@router.post("/purposes", response={201: PurposeOut})
def create_purpose(request, payload: PurposeIn):
    """The command sets money aside for a purpose (never beyond the unallocated balance)."""
    user = api_user(request)
    account = one_of(sel.account_list(user=user), payload.account, field="account")
    recipient = (
        recipient_from(user, Perm.ALLOCATION_APPROVE, payload.recipient)
        if payload.recipient
        else None
    )
    purpose = services.cash_purpose_create(
        actor=user,
        account=account,
        title=payload.title,
        amount=payload.amount,
        recipient=recipient,
        note=payload.note,
        disclose_recipient=payload.disclose_recipient,
    )
    return Status(201, sel.purpose_get(user=user, public_id=purpose.public_id))


@router.get("/purposes/{public_id}", response=PurposeOut)
def get_purpose(request, public_id: UUID):
    return sel.purpose_get(user=api_user(request), public_id=public_id)


@router.post("/purposes/{public_id}/top-up", response={201: CashEntryOut})
def top_up(request, public_id: UUID, payload: AmountIn):
    user = api_user(request)
    purpose = sel.purpose_get(user=user, public_id=public_id)
    entry = services.cash_purpose_top_up(
        actor=user, purpose=purpose, amount=payload.amount, note=payload.note
    )
    return Status(201, entry)


@router.post("/purposes/{public_id}/close", response=PurposeOut)
def close(request, public_id: UUID):
    user = api_user(request)
    purpose = sel.purpose_get(user=user, public_id=public_id)
    services.cash_purpose_close(actor=user, purpose=purpose)
    return sel.purpose_get(user=user, public_id=public_id)


@router.post("/purposes/{public_id}/spendings", response={201: CashEntryOut})
def spend(
    request,
    public_id: UUID,
    amount: Form[str],
    payee: Form[str],
    description: Form[str],
    receipt: File[UploadedFile],
    at: Form[dt.datetime | None] = None,
):
    """Money of a purpose is spent, with its receipt (multipart: a photo or PDF)."""
    user = api_user(request)
    purpose = sel.purpose_get(user=user, public_id=public_id)
    entry = services.cash_spend(
        actor=user,
        purpose=purpose,
        amount=amount,
        payee=payee,
        description=description,
        receipt=receipt,
        at=at,
    )
    return Status(201, entry)


@router.get("/entries", response=list[CashEntryOut])
@paginate(PageNumberPagination, page_size=100)
def list_entries(request, account: UUID | None = None, purpose: UUID | None = None):
    user = api_user(request)
    return sel.entry_list(
        user=user,
        account=one_of(sel.account_list(user=user), account, field="account") if account else None,
        purpose=one_of(sel.purpose_list(user=user), purpose, field="purpose") if purpose else None,
    )


@router.post("/entries/{public_id}/corrections", response={201: CashEntryOut})
def correct_entry(request, public_id: UUID, payload: CashCorrectionIn):
    user = api_user(request)
    entry = sel.entry_get(user=user, public_id=public_id)
    correction = services.cash_entry_correct(
        actor=user, entry=entry, amount=payload.amount, reason=payload.reason
    )
    return Status(201, sel.entry_get(user=user, public_id=correction.public_id))
