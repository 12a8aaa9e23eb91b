"""Units and the item catalogue.

No `from __future__ import annotations`: ninja and @paginate read the runtime annotations.
"""

from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from bastion.core.pagination import PageNumberPagination
from bastion.supplies.api.common import api_user, unit_named
from bastion.supplies.api.schemas import (
    ConversionIn,
    ConversionOut,
    ItemIn,
    ItemOut,
    ItemPatchIn,
    SuppliesUnitIn,
    SuppliesUnitOut,
)
from bastion.supplies.selectors.catalogue import item_get, item_list, unit_list
from bastion.supplies.services import catalogue as services

router = Router(tags=["supplies"])


@router.get("/units", response=list[SuppliesUnitOut])
def list_units(request):
    """Every unit; standard factors are in gram, millilitre or piece (null: per item)."""
    from django.http import Http404

    from bastion.supplies.selectors.common import can_view

    if not can_view(api_user(request)):
        raise Http404
    return list(unit_list())


@router.post("/units", response={201: SuppliesUnitOut})
def create_unit(request, payload: SuppliesUnitIn):
    unit = services.unit_create(actor=api_user(request), **payload.dict())
    return Status(201, unit)


@router.get("/items", response=list[ItemOut])
@paginate(PageNumberPagination, page_size=100)
def list_items(request, q: str = "", category: str = "", active: bool | None = None):
    return item_list(user=api_user(request), q=q, category=category, active=active)


@router.post("/items", response={201: ItemOut})
def create_item(request, payload: ItemIn):
    data = payload.dict()
    data["base_unit"] = unit_named(data["base_unit"], field="base_unit")
    item = services.item_create(actor=api_user(request), **data)
    return Status(201, item_get(user=api_user(request), public_id=item.public_id))


@router.get("/items/{public_id}", response=ItemOut)
def get_item(request, public_id: UUID):
    return item_get(user=api_user(request), public_id=public_id)


@router.patch("/items/{public_id}", response=ItemOut)
def update_item(request, public_id: UUID, payload: ItemPatchIn):
    user = api_user(request)
    item = item_get(user=user, public_id=public_id)
    changes = payload.dict(exclude_unset=True)
    services.item_update(actor=user, item=item, **changes)
    return item_get(user=user, public_id=public_id)


@router.post("/items/{public_id}/conversions", response={201: ConversionOut})
def add_conversion(request, public_id: UUID, payload: ConversionIn):
    """`1 unit = factor base units` for this item (fixed once set)."""
    user = api_user(request)
    item = item_get(user=user, public_id=public_id)
    conversion = services.item_unit_add(
        actor=user, item=item, unit=unit_named(payload.unit, field="unit"), factor=payload.factor
    )
    return Status(201, conversion)
