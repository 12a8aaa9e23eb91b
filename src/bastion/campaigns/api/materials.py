"""Publicity materials, partner property companies and the distribution ledger.

No `from __future__ import annotations`: @paginate reads the runtime annotations.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.campaigns.api.common import api_user, regions_by_code
from bastion.campaigns.api.schemas import (
    CompanyIn,
    CompanyOut,
    CompanyPatchIn,
    DistributionIn,
    DistributionOut,
    MaterialIn,
    MaterialOut,
    ReasonIn,
)
from bastion.campaigns.selectors.materials import (
    company_get,
    company_list,
    distribution_get,
    distribution_list,
    material_get,
    material_list,
)
from bastion.core.pagination import PageNumberPagination

router = Router(tags=["campaigns"])


@router.get("/materials", response=list[MaterialOut])
@paginate(PageNumberPagination, page_size=50)
def list_materials(request):
    """Materials with the copies handed out / put up in the caller's scope."""
    return material_list(user=api_user(request)).order_by("-created_at", "-id")


@router.post("/materials", response={201: MaterialOut})
def create_material(request, payload: MaterialIn):
    from bastion.campaigns.selectors.campaigns import campaign_get
    from bastion.campaigns.services.materials import material_create

    user = api_user(request)
    campaign = None
    if payload.campaign is not None:
        try:
            campaign = campaign_get(user=user, public_id=payload.campaign)
        except Http404 as exc:
            raise ValidationError({"campaign": [_("排查行动不存在")]}) from exc
    material = material_create(
        actor=user,
        name=payload.name,
        kind=payload.kind,
        region=regions_by_code(user, [payload.region], "region")[0],
        campaign=campaign,
        note=payload.note,
    )
    return Status(201, material_get(user=user, public_id=material.public_id))


@router.get("/materials/{public_id}", response=MaterialOut)
def get_material(request, public_id: UUID):
    return material_get(user=api_user(request), public_id=public_id)


@router.get("/companies", response=list[CompanyOut])
@paginate(PageNumberPagination, page_size=50)
def list_companies(request, q: str = ""):
    return company_list(user=api_user(request), q=q[:50]).order_by("path", "name")


@router.post("/companies", response={201: CompanyOut})
def create_company(request, payload: CompanyIn):
    from bastion.campaigns.services.materials import company_save

    user = api_user(request)
    company = company_save(
        actor=user,
        name=payload.name,
        region=regions_by_code(user, [payload.region], "region")[0],
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        note=payload.note,
    )
    return Status(201, company_get(user=user, public_id=company.public_id))


@router.get("/companies/{public_id}", response=CompanyOut)
def get_company(request, public_id: UUID):
    return company_get(user=api_user(request), public_id=public_id)


@router.patch("/companies/{public_id}", response=CompanyOut)
def update_company(request, public_id: UUID, payload: CompanyPatchIn):
    from bastion.campaigns.services.materials import company_save

    user = api_user(request)
    company = company_get(user=user, public_id=public_id)
    data = payload.dict(exclude_unset=True)
    company_save(
        actor=user,
        company=company,
        name=data.get("name", company.name),
        contact_name=data.get("contact_name", company.contact_name),
        contact_phone=data.get("contact_phone"),
        note=data.get("note", company.note),
    )
    return company_get(user=user, public_id=public_id)


@router.get("/distributions", response=list[DistributionOut])
@paginate(PageNumberPagination, page_size=100)
def list_distributions(
    request, region: str = "", material: UUID | None = None, company: UUID | None = None
):
    user = api_user(request)
    return distribution_list(
        user=user,
        within=regions_by_code(user, [region], "region")[0].path if region else None,
        material=material_get(user=user, public_id=material) if material else None,
        company=company_get(user=user, public_id=company) if company else None,
    )


@router.post("/distributions", response={201: DistributionOut})
def create_distribution(request, payload: DistributionIn):
    """Copies handed out or put up somewhere (by the caller, optionally with a partner
    company)."""
    from bastion.campaigns.services.materials import distribution_record

    user = api_user(request)
    try:
        material = material_get(user=user, public_id=payload.material)
        company = company_get(user=user, public_id=payload.company) if payload.company else None
    except Http404 as exc:
        raise ValidationError({"material": [_("资料或物业公司不存在")]}) from exc
    entry = distribution_record(
        actor=user,
        material=material,
        action=payload.action,
        quantity=payload.quantity,
        region=regions_by_code(user, [payload.region], "region")[0],
        distributed_on=payload.distributed_on,
        place=payload.place,
        company=company,
        note=payload.note,
    )
    return Status(201, distribution_get(user=user, public_id=entry.public_id))


@router.post("/distributions/{public_id}/void", response={201: DistributionOut})
def void_distribution(request, public_id: UUID, payload: ReasonIn):
    """Cancel a wrong entry with an opposite one (the ledger keeps both)."""
    from bastion.campaigns.services.materials import distribution_void

    user = api_user(request)
    void = distribution_void(
        actor=user, entry=distribution_get(user=user, public_id=public_id), reason=payload.reason
    )
    return Status(201, distribution_get(user=user, public_id=void.public_id))
