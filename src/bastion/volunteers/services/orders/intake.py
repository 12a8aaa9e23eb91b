"""点单: community staff record a resident's request, or the resident asks on the
community's public page."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from bastion.core import crypto
from bastion.core.masking import mask_phone
from bastion.core.phone import PhoneError, parse_mobile
from bastion.geo.models import Region
from bastion.people.models import Person
from bastion.volunteers.models import OrderKind, OrderSource, ServiceOrder
from bastion.volunteers.selectors.orders import order_can_manage, rating_token_hash
from bastion.volunteers.selectors.places import COMMUNITY_LEVELS, rules_for
from bastion.volunteers.services.orders.common import _save_new


def _clean(*, community, kind, detail, requester_name, requester_phone, address, region):
    errors: dict[str, list[str]] = {}
    if community is None or community.level not in COMMUNITY_LEVELS:
        errors["community"] = [_("社区：请选择村或社区")]
    if kind not in OrderKind.values:
        errors["kind"] = [_("服务类型：请选择代购生活物资、代购药品、跑腿代办或其他")]
    name = (requester_name or "").strip()
    if not name:
        errors["requester_name"] = [_("姓名：请填写求助人姓名")]
    phone = (requester_phone or "").strip()
    if phone:
        try:
            phone = parse_mobile(phone)
        except PhoneError as exc:
            errors["requester_phone"] = [_("手机号：%(e)s") % {"e": exc}]
    if region is not None and community is not None and not region.path.startswith(community.path):
        errors["region"] = [_("网格：应在所选社区内")]
    if not (detail or "").strip():
        errors["detail"] = [_("需求：请写明需要帮什么忙（物品、数量、时间）")]
    if errors:
        raise ValidationError(errors)
    return {
        "community": community,
        "region": region or community,
        "path": (region or community).path,
        "kind": kind,
        "detail": detail.strip()[:500],
        "requester_name": name[:60],
        "requester_phone_encrypted": crypto.encrypt(phone) if phone else "",
        "requester_phone_masked": mask_phone(phone),
        "address": (address or "").strip()[:200],
    }


def order_create(
    *,
    actor,
    community: Region,
    kind: str,
    detail: str,
    requester_name: str,
    requester_phone: str = "",
    address: str = "",
    region: Region | None = None,
    person: Person | None = None,
) -> ServiceOrder:
    """Community staff record a resident's request (by phone or at the desk)."""
    fields = _clean(
        community=community,
        kind=kind,
        detail=detail,
        requester_name=requester_name,
        requester_phone=requester_phone,
        address=address,
        region=region,
    )
    order = ServiceOrder(**fields, source=OrderSource.STAFF, person=person)
    if not order_can_manage(actor, order):
        raise Http404
    order.created_by = actor if getattr(actor, "is_authenticated", False) else None
    return _save_new(order, actor=actor, notify_staff=False)


def order_create_public(
    *,
    community: Region,
    kind: str,
    detail: str,
    requester_name: str,
    requester_phone: str,
    address: str,
) -> tuple[ServiceOrder, str]:
    """A resident's request from the community's public page; returns the order and the
    raw rating token (shown once to the requester, only its hash is kept)."""
    if community.level not in COMMUNITY_LEVELS or not rules_for(community.path).public_requests:
        raise Http404
    if not (requester_phone or "").strip():
        raise ValidationError({"requester_phone": [_("手机号：请留下联系电话，方便志愿者联系您")]})
    if not (address or "").strip():
        raise ValidationError({"address": [_("地址：请填写小区、楼栋和门牌号")]})
    fields = _clean(
        community=community,
        kind=kind,
        detail=detail,
        requester_name=requester_name,
        requester_phone=requester_phone,
        address=address,
        region=None,
    )
    token = secrets.token_urlsafe(32)
    order = ServiceOrder(
        **fields, source=OrderSource.PUBLIC, rating_token_hash=rating_token_hash(token)
    )
    return _save_new(order, actor=None, notify_staff=True), token
