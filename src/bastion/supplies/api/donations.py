"""Donors and donations: record, receive goods into a warehouse, receive cash, cancel, the
acknowledgement document.

No `from __future__ import annotations`: ninja and @paginate read the runtime annotations.
"""

from uuid import UUID

from django.http import Http404
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.core.pagination import PageNumberPagination
from bastion.supplies.api.common import api_user, item_named, one_of, region_for, unit_named
from bastion.supplies.api.schemas import (
    CashReceiveIn,
    DonationDetailOut,
    DonationIn,
    DonationOut,
    DonorIn,
    DonorOut,
    DonorPatchIn,
    LineIn,
    ReceiveIn,
    SuppliesReasonIn,
)
from bastion.supplies.selectors import donations as sel
from bastion.supplies.selectors.cash import account_list
from bastion.supplies.selectors.stock import warehouse_list
from bastion.supplies.services import cash as cash_services
from bastion.supplies.services import donations as services
from bastion.supplies.services import donors as donor_services

router = Router(tags=["supplies"])


# --- Donors -----------------------------------------------------------------------------


@router.get("/donors", response=list[DonorOut])
@paginate(PageNumberPagination, page_size=50)
def list_donors(request, q: str = "", kind: str = ""):
    return sel.donor_list(user=api_user(request), q=q, kind=kind)


@router.post("/donors", response={201: DonorOut})
def create_donor(request, payload: DonorIn):
    user = api_user(request)
    data = payload.dict()
    data["region"] = region_for(user, Perm.DONATION_MANAGE, data.pop("region"))
    donor = donor_services.donor_create(actor=user, **data)
    return Status(201, donor)


@router.get("/donors/{public_id}", response=DonorOut)
def get_donor(request, public_id: UUID):
    return sel.donor_get(user=api_user(request), public_id=public_id)


@router.patch("/donors/{public_id}", response=DonorOut)
def update_donor(request, public_id: UUID, payload: DonorPatchIn):
    user = api_user(request)
    donor = sel.donor_get(user=user, public_id=public_id)
    donor_services.donor_update(actor=user, donor=donor, **payload.dict(exclude_unset=True))
    return sel.donor_get(user=user, public_id=public_id)


# --- Donations --------------------------------------------------------------------------


@router.get("/donations", response=list[DonationOut])
@paginate(PageNumberPagination, page_size=50)
def list_donations(request, q: str = "", status: str = ""):
    """Donations in scope; `status`: pledged, partly_received, received, cancelled."""
    return sel.donation_list(user=api_user(request), q=q, status=status)


def _line_input(user, index: int, line: LineIn) -> services.LineInput:
    item = item_named(user, line.item, field=f"lines.{index}.item")
    return services.LineInput(
        item=item,
        quantity=line.quantity,
        unit=unit_named(line.unit, field=f"lines.{index}.unit") or item.base_unit,
        declared_value=line.declared_value,
        lot_code=line.lot_code,
        expires_on=line.expires_on,
    )


def _detail(user, public_id) -> dict:
    from django.urls import reverse

    donation = sel.donation_get(user=user, public_id=public_id)
    view = sel.donation_view(donation)
    return {
        "public_id": donation.public_id,
        "number": donation.number,
        "donor": donation.donor,
        "pledged_on": donation.pledged_on,
        "cash_pledged": donation.cash_pledged,
        "status": view.status,
        "purpose": donation.purpose,
        "region": donation.region.code,
        "cash_received": view.cash_received,
        "value": view.value,
        "value_received": view.value_received,
        "lines": [
            {
                "public_id": v.line.public_id,
                "item": v.line.item.code,
                "item_name": v.line.item.name,
                "quantity": v.line.quantity,
                "unit": v.line.unit.code,
                "quantity_base": v.line.quantity_base,
                "base_unit": v.line.item.base_unit.code,
                "received": v.received,
                "outstanding": v.outstanding,
                "declared_value": v.line.declared_value,
                "value": v.value,
                "value_received": v.value_received,
                "lot_code": v.line.lot_code,
                "expires_on": v.line.expires_on,
            }
            for v in view.lines
        ],
        "receipts": [
            {
                "public_id": r.public_id,
                "warehouse": r.warehouse.public_id,
                "received_at": r.received_at,
                "note": r.note,
            }
            for r in view.receipts
        ],
        "acknowledgement_url": reverse(
            "api:supplies_acknowledgement", kwargs={"public_id": donation.public_id}
        )
        if donation.number
        else None,
    }


@router.post("/donations", response={201: DonationDetailOut})
def create_donation(request, payload: DonationIn):
    """A pledge of goods (`lines`, quantities in any unit the item has) and/or cash."""
    user = api_user(request)
    donor = one_of(sel.donor_list(user=user), payload.donor, field="donor")
    region = region_for(user, Perm.DONATION_MANAGE, payload.region) if payload.region else None
    donation = services.donation_create(
        actor=user,
        donor=donor,
        pledged_on=payload.pledged_on,
        lines=[_line_input(user, i, line) for i, line in enumerate(payload.lines)],
        region=region,
        cash_pledged=payload.cash_pledged,
        purpose=payload.purpose,
        note=payload.note,
    )
    return Status(201, _detail(user, donation.public_id))


@router.get("/donations/{public_id}", response=DonationDetailOut)
def get_donation(request, public_id: UUID):
    return _detail(api_user(request), public_id)


@router.post("/donations/{public_id}/lines", response={201: DonationDetailOut})
def add_donation_line(request, public_id: UUID, payload: LineIn):
    user = api_user(request)
    donation = sel.donation_get(user=user, public_id=public_id)
    services.donation_line_add(actor=user, donation=donation, line=_line_input(user, 0, payload))
    return Status(201, _detail(user, public_id))


@router.post("/donations/{public_id}/receipts", response={201: DonationDetailOut})
def receive_goods(request, public_id: UUID, payload: ReceiveIn):
    """Goods arrive at a warehouse the caller keeps: per pledged line (its public id) the
    quantity that arrived, in the line's unit unless `unit` says otherwise."""
    user = api_user(request)
    donation = sel.donation_get(user=user, public_id=public_id)
    warehouse = one_of(warehouse_list(user=user), payload.warehouse, field="warehouse")
    lines = {str(line.public_id): line for line in donation.lines.all()}
    inputs = []
    for index, entry in enumerate(payload.lines):
        line = lines.get(str(entry.line))
        if line is None:
            from django.core.exceptions import ValidationError
            from django.utils.translation import gettext as _

            raise ValidationError({f"lines.{index}.line": [_("不是本捐赠的物资")]})
        inputs.append(
            services.ReceiveInput(
                line=line,
                quantity=entry.quantity,
                unit=unit_named(entry.unit, field=f"lines.{index}.unit"),
                lot_code=entry.lot_code,
                expires_on=entry.expires_on,
            )
        )
    services.donation_receive(
        actor=user,
        donation=donation,
        warehouse=warehouse,
        lines=inputs,
        received_at=payload.received_at,
        note=payload.note,
    )
    return Status(201, _detail(user, public_id))


@router.post("/donations/{public_id}/cash", response={201: DonationDetailOut})
def receive_cash(request, public_id: UUID, payload: CashReceiveIn):
    user = api_user(request)
    donation = sel.donation_get(user=user, public_id=public_id)
    account = one_of(account_list(user=user), payload.account, field="account")
    cash_services.donation_cash_receive(
        actor=user,
        donation=donation,
        account=account,
        amount=payload.amount,
        reference=payload.reference,
        payer_account=payload.payer_account,
        at=payload.at,
    )
    return Status(201, _detail(user, public_id))


@router.post("/donations/{public_id}/cancel", response=DonationDetailOut)
def cancel_donation(request, public_id: UUID, payload: SuppliesReasonIn):
    user = api_user(request)
    donation = sel.donation_get(user=user, public_id=public_id)
    services.donation_cancel(actor=user, donation=donation, reason=payload.reason)
    return _detail(user, public_id)


@router.get(
    "/donations/{public_id}/acknowledgement",
    url_name="supplies_acknowledgement",
    response={200: None},
)
def acknowledgement(request, public_id: UUID):
    """The numbered acknowledgement (捐赠回执) as a .docx (404 before anything arrived)."""
    from bastion.supplies.acknowledgement import acknowledgement_file

    donation = sel.donation_get(user=api_user(request), public_id=public_id)
    if not donation.number:
        raise Http404
    return acknowledgement_file(request, donation)
