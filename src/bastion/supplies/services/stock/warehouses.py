"""Warehouses: creating and updating them, with keepers who must hold the warehouse
keeper role over the region."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.audit import Action
from bastion.geo.models import Region
from bastion.supplies.models import Warehouse
from bastion.supplies.services.common import audit, clean_text, require


def _keepers_in_scope(keepers, region: Region) -> list:
    from bastion.access.scoping import can_on_path

    bad = [
        u.username
        for u in keepers
        if not (u.is_superuser or can_on_path(u, Perm.STOCK_MANAGE, region.path))
    ]
    if bad:
        raise ValidationError(
            {
                "keepers": [
                    _("保管员 %(u)s 在该区域没有仓库管理权限（需要仓库管理员角色）")
                    % {"u": "、".join(bad)}
                ]
            }
        )
    return list(keepers)


def warehouse_create(
    *,
    actor,
    code: str,
    name: str,
    region: Region,
    address: str = "",
    keepers=(),
) -> Warehouse:
    """A warehouse in `region` (Perm.DONATION_MANAGE there) with its keepers, who must hold
    the warehouse keeper role over the region."""
    from bastion.supplies.services.catalogue import _code

    require(actor, Perm.DONATION_MANAGE, path=region.path)
    code = _code(code)
    name = clean_text(name, field="name", label=_("名称"), required=True, limit=80)
    if Warehouse.objects.filter(code=code).exists():
        raise ValidationError({"code": [_("代码“%(c)s”已被使用") % {"c": code}]})
    if Warehouse.objects.filter(name=name).exists():
        raise ValidationError({"name": [_("仓库“%(n)s”已存在") % {"n": name}]})
    keepers = _keepers_in_scope(keepers, region)
    warehouse = Warehouse(
        code=code,
        name=name,
        region=region,
        path=region.path,
        address=clean_text(address, field="address", label=_("地址"), limit=200),
    )
    with transaction.atomic():
        warehouse.full_clean()
        warehouse.save()
        warehouse.keepers.set(keepers)
        audit(
            actor,
            Action.CREATE,
            warehouse,
            changes={"keepers": [None, sorted(u.username for u in keepers)]},
        )
    return warehouse


def warehouse_update(
    *,
    actor,
    warehouse: Warehouse,
    name: str | None = None,
    address: str | None = None,
    keepers=None,
    active: bool | None = None,
) -> Warehouse:
    require(actor, Perm.DONATION_MANAGE, path=warehouse.path)
    changes: dict = {}
    if name is not None:
        name = clean_text(name, field="name", label=_("名称"), required=True, limit=80)
        if Warehouse.objects.filter(name=name).exclude(pk=warehouse.pk).exists():
            raise ValidationError({"name": [_("仓库“%(n)s”已存在") % {"n": name}]})
        changes["name"] = [warehouse.name, name]
        warehouse.name = name
    if address is not None:
        address = clean_text(address, field="address", label=_("地址"), limit=200)
        changes["address"] = [warehouse.address, address]
        warehouse.address = address
    if active is not None:
        changes["active"] = [warehouse.active, bool(active)]
        warehouse.active = bool(active)
    with transaction.atomic():
        warehouse.full_clean()
        warehouse.save()
        if keepers is not None:
            keepers = _keepers_in_scope(keepers, warehouse.region)
            before = sorted(warehouse.keepers.values_list("username", flat=True))
            warehouse.keepers.set(keepers)
            changes["keepers"] = [before, sorted(u.username for u in keepers)]
        audit(actor, Action.UPDATE, warehouse, changes=changes)
    return warehouse
