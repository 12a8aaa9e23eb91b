"""Publicity materials, partner property companies, and the distribution ledger."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.campaigns.contacts import clean_phone, contact_fields
from bastion.campaigns.models import (
    Campaign,
    DistributionAction,
    Material,
    MaterialDistribution,
    MaterialKind,
    PartnerCompany,
)
from bastion.campaigns.services.common import clean_reason, is_recorder, user_or_none
from bastion.core.audit import Action, audit_record
from bastion.geo.models import Region

QUANTITY_MAX = 100_000


def _require(actor, perm: str, region: Region, message: str) -> None:
    if region is None or not can_on_path(actor, perm, region.path):
        raise PermissionDenied(message)


@transaction.atomic
def material_create(
    *,
    actor,
    name: str,
    kind: str,
    region: Region,
    campaign: Campaign | None = None,
    note: str = "",
) -> Material:
    """A material issued by `region` (the actor manages campaigns there)."""
    _require(actor, Perm.CAMPAIGN_MANAGE, region, _("该区域不在您可管理的范围内"))
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("名称不能为空")]
    elif Material.objects.filter(region=region, name=name).exists():
        errors["name"] = [_("本区域已有同名资料")]
    if kind not in MaterialKind.values:
        errors["kind"] = [_("请选择资料类型")]
    if errors:
        raise ValidationError(errors)
    material = Material(
        name=name[:100],
        kind=kind,
        region=region,
        path=region.path,
        campaign=campaign,
        note=(note or "").strip()[:300],
        created_by=user_or_none(actor),
    )
    material.full_clean(exclude=["region", "campaign", "created_by"])
    material.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=material,
        changes={"name": [None, material.name], "kind": [None, kind]},
    )
    return material


@transaction.atomic
def company_save(
    *,
    actor,
    company: PartnerCompany | None = None,
    name: str,
    region: Region | None = None,
    contact_name: str = "",
    contact_phone: str | None = None,
    note: str = "",
) -> PartnerCompany:
    """Register a partner property company in a region, or change one (it stays where
    it was registered)."""
    region = company.region if company is not None else region
    _require(actor, Perm.CAMPAIGN_MANAGE, region, _("该区域不在您可管理的范围内"))
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("公司名称不能为空")]
    elif (
        PartnerCompany.objects.filter(region=region, name=name)
        .exclude(pk=getattr(company, "pk", None))
        .exists()
    ):
        errors["name"] = [_("本区域已登记同名公司")]
    phone = None if contact_phone is None else clean_phone(contact_phone, "contact_phone", errors)
    if errors:
        raise ValidationError(errors)
    creating = company is None
    company = company or PartnerCompany(region=region, path=region.path)
    before = {"name": company.name, "contact": company.contact_phone_masked}
    company.name = name[:100]
    company.contact_name = (contact_name or "").strip()[:60]
    company.note = (note or "").strip()[:300]
    if phone is not None:
        for attr, value in contact_fields(phone).items():
            setattr(company, attr, value)
    company.full_clean(exclude=["region"])
    company.save()
    audit_record(
        actor=actor,
        action=Action.CREATE if creating else Action.UPDATE,
        obj=company,
        changes={
            "name": [None if creating else before["name"], company.name],
            "contact_phone": [
                None if creating else before["contact"],
                company.contact_phone_masked,
            ],
        },
    )
    return company


@transaction.atomic
def distribution_record(
    *,
    actor,
    material: Material,
    action: str,
    quantity: int,
    region: Region,
    distributed_on: dt.date,
    place: str = "",
    company: PartnerCompany | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> MaterialDistribution:
    """Copies handed out or put up in `region` (a grid or any region the actor records
    visits in), optionally by a partner company and at a named place."""
    now = now or timezone.now()
    _require(actor, Perm.VISIT_RECORD, region, _("该区域不在您的工作范围内"))
    errors: dict[str, list[str]] = {}
    if action not in DistributionAction.values:
        errors["action"] = [_("请选择发放或张贴")]
    if not isinstance(quantity, int) or not 1 <= quantity <= QUANTITY_MAX:
        errors["quantity"] = [_("数量应为 1 到 %(n)d") % {"n": QUANTITY_MAX}]
    if distributed_on is None:
        errors["distributed_on"] = [_("请填写日期")]
    elif distributed_on > timezone.localdate(now):
        errors["distributed_on"] = [_("日期不能晚于今天")]
    if company is not None and not (
        region.path.startswith(company.path) or company.path.startswith(region.path)
    ):
        errors["company"] = [_("该公司不在这个区域")]
    if not (region.path.startswith(material.path) or material.path.startswith(region.path)):
        errors["material"] = [_("该资料不是这个区域的资料")]
    if len(place or "") > 200:
        errors["place"] = [_("地点不能超过 200 字")]
    if errors:
        raise ValidationError(errors)
    entry = MaterialDistribution(
        material=material,
        action=action,
        quantity=quantity,
        region=region,
        path=region.path,
        place=(place or "").strip(),
        company=company,
        distributed_on=distributed_on,
        recorded_at=now,
        recorded_by=user_or_none(actor),
        note=(note or "").strip()[:300],
    )
    entry.full_clean(exclude=["material", "region", "company", "recorded_by", "visit", "voids"])
    entry.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=entry,
        changes={
            "material": [None, str(material.public_id)],
            "action": [None, action],
            "quantity": [None, quantity],
            "company": [None, company.name if company else ""],
        },
    )
    return entry


@transaction.atomic
def distribution_void(
    *, actor, entry: MaterialDistribution, reason: str, now: dt.datetime | None = None
) -> MaterialDistribution:
    """Cancel a wrong entry with a new one of the opposite quantity (the ledger keeps
    both). The recorder or a campaign manager over the place may do it, once."""
    now = now or timezone.now()
    if not is_recorder(actor, entry.recorded_by_id) and not can_on_path(
        actor, Perm.CAMPAIGN_MANAGE, entry.path
    ):
        raise PermissionDenied(_("只有录入人或负责人可以作废这条记录"))
    reason = clean_reason(reason, message=_("请填写作废原因（至少 %(n)d 个字）"))
    entry = MaterialDistribution.objects.select_for_update().get(pk=entry.pk)
    if entry.voids_id is not None:
        raise ValidationError(_("这是一条作废记录，不能再作废"))
    if MaterialDistribution.objects.filter(voids=entry).exists():
        raise ValidationError(_("这条记录已经作废"))
    void = MaterialDistribution.objects.create(
        material_id=entry.material_id,
        action=entry.action,
        quantity=-entry.quantity,
        region_id=entry.region_id,
        path=entry.path,
        place=entry.place,
        company_id=entry.company_id,
        distributed_on=entry.distributed_on,
        recorded_at=now,
        recorded_by=user_or_none(actor),
        note=reason[:300],
        voids=entry,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=void,
        changes={"voids": [None, str(entry.public_id)], "quantity": [entry.quantity, 0]},
        reason=reason,
    )
    return void
