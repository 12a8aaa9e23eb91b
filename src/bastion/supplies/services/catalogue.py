"""The item catalogue: units, items and their per-item conversions. County-wide records,
changed by holders of Perm.DONATION_MANAGE (the county command, warehouse keepers)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.core.audit import Action
from bastion.supplies import units
from bastion.supplies.models import (
    AllocationLine,
    Category,
    Dimension,
    DonationLine,
    Item,
    ItemUnit,
    Unit,
)
from bastion.supplies.services.common import audit, clean_text, is_system

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def require_catalogue_manager(actor) -> None:
    if not (is_system(actor) or has_perm(actor, Perm.DONATION_MANAGE)):
        raise PermissionDenied(_("只有县指挥部和仓库管理员可以维护物资目录"))


def _code(value, *, field: str = "code") -> str:
    code = (value or "").strip().lower()
    if not CODE.match(code):
        raise ValidationError(
            {field: [_("代码：只能用小写字母、数字、- 和 _，以字母或数字开头，最多 40 个字符")]}
        )
    return code


def _price(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        price = units.parse_money(value, label=_("参考单价"), allow_zero=True)
    except ValidationError as exc:
        raise ValidationError({"reference_price": exc.messages}) from None
    return price


def unit_create(
    *,
    actor,
    code: str,
    name_zh: str,
    name_en: str = "",
    dimension: str,
    standard_factor=None,
) -> Unit:
    """A new unit (a packaging unit like 提 has no standard factor; it converts per item)."""
    require_catalogue_manager(actor)
    code = _code(code)
    name_zh = clean_text(name_zh, field="name_zh", label=_("名称"), required=True, limit=20)
    if dimension not in Dimension.values:
        raise ValidationError({"dimension": [_("量纲：未知选项")]})
    factor = None
    if standard_factor not in (None, ""):
        try:
            factor = units.factor_as_decimal(standard_factor, label=_("标准换算"))
        except ValidationError as exc:
            raise ValidationError({"standard_factor": exc.messages}) from None
    if Unit.objects.filter(code=code).exists():
        raise ValidationError({"code": [_("代码“%(c)s”已被使用") % {"c": code}]})
    if Unit.objects.filter(name_zh=name_zh).exists():
        raise ValidationError({"name_zh": [_("单位“%(n)s”已存在") % {"n": name_zh}]})
    unit = Unit(
        code=code,
        name_zh=name_zh,
        name_en=clean_text(name_en, field="name_en", label=_("英文名称"), limit=40) or code,
        dimension=dimension,
        standard_factor=factor,
    )
    with transaction.atomic():
        unit.full_clean()
        unit.save()
        audit(actor, Action.CREATE, unit, changes={"name": [None, unit.name_zh]})
    return unit


def item_create(
    *,
    actor,
    code: str,
    name: str,
    category: str,
    base_unit: Unit,
    spec: str = "",
    reference_price=None,
) -> Item:
    """A new item of the catalogue, counted in `base_unit`."""
    require_catalogue_manager(actor)
    code = _code(code)
    name = clean_text(name, field="name", label=_("名称"), required=True, limit=60)
    if category not in Category.values:
        raise ValidationError({"category": [_("类别：未知选项")]})
    if Item.objects.filter(code=code).exists():
        raise ValidationError({"code": [_("代码“%(c)s”已被使用") % {"c": code}]})
    if Item.objects.filter(name=name).exists():
        raise ValidationError({"name": [_("物资“%(n)s”已在目录中") % {"n": name}]})
    item = Item(
        code=code,
        name=name,
        category=category,
        base_unit=base_unit,
        spec=clean_text(spec, field="spec", label=_("规格"), limit=100),
        reference_price=_price(reference_price),
    )
    with transaction.atomic():
        item.full_clean()
        item.save()
        audit(
            actor,
            Action.CREATE,
            item,
            changes={"name": [None, item.name], "base_unit": [None, base_unit.code]},
        )
    return item


def item_in_use(item: Item) -> bool:
    return (
        DonationLine.objects.filter(item=item).exists()
        or AllocationLine.objects.filter(item=item).exists()
        or item.lots.exists()
    )


def item_update(
    *,
    actor,
    item: Item,
    name: str | None = None,
    spec: str | None = None,
    category: str | None = None,
    reference_price=...,
    active: bool | None = None,
) -> Item:
    """Change what does not change recorded quantities (the base unit never changes)."""
    require_catalogue_manager(actor)
    changes: dict = {}
    if name is not None:
        name = clean_text(name, field="name", label=_("名称"), required=True, limit=60)
        if Item.objects.filter(name=name).exclude(pk=item.pk).exists():
            raise ValidationError({"name": [_("物资“%(n)s”已在目录中") % {"n": name}]})
        changes["name"] = [item.name, name]
        item.name = name
    if spec is not None:
        spec = clean_text(spec, field="spec", label=_("规格"), limit=100)
        changes["spec"] = [item.spec, spec]
        item.spec = spec
    if category is not None:
        if category not in Category.values:
            raise ValidationError({"category": [_("类别：未知选项")]})
        changes["category"] = [item.category, category]
        item.category = category
    if reference_price is not ...:
        price = _price(reference_price)
        changes["reference_price"] = [str(item.reference_price), str(price)]
        item.reference_price = price
    if active is not None:
        changes["active"] = [item.active, bool(active)]
        item.active = bool(active)
    with transaction.atomic():
        item.full_clean()
        item.save()
        audit(actor, Action.UPDATE, item, changes=changes)
    return item


def item_unit_add(*, actor, item: Item, unit: Unit, factor) -> ItemUnit:
    """`1 unit = factor base units` for this item. Standard relations (斤 to 千克) are fixed
    and need no entry; a conversion, once added, never changes (recorded quantities were
    converted with it)."""
    require_catalogue_manager(actor)
    if unit.pk == item.base_unit_id:
        raise ValidationError({"unit": [_("“%(u)s”就是该物资的基本单位") % {"u": unit.name_zh}]})
    if units.standard_factor(unit.spec, item.base_unit.spec) is not None:
        raise ValidationError(
            {
                "unit": [
                    _("“%(u)s”与“%(b)s”之间是固定换算，无需设置")
                    % {"u": unit.name_zh, "b": item.base_unit.name_zh}
                ]
            }
        )
    if ItemUnit.objects.filter(item=item, unit=unit).exists():
        raise ValidationError(
            {"unit": [_("“%(u)s”的换算已设置，设置后不能修改") % {"u": unit.name_zh}]}
        )
    try:
        value = units.factor_as_decimal(factor, label=_("换算数量"))
    except ValidationError as exc:
        raise ValidationError({"factor": exc.messages}) from None
    if item.base_unit.dimension == Dimension.COUNT and value != value.to_integral_value():
        raise ValidationError(
            {
                "factor": [
                    _("换算数量：物资“%(i)s”按整%(b)s计，每%(u)s应为整数")
                    % {"i": item.name, "b": item.base_unit.name_zh, "u": unit.name_zh}
                ]
            }
        )
    conversion = ItemUnit(item=item, unit=unit, factor=value)
    with transaction.atomic():
        conversion.full_clean()
        conversion.save()
        audit(
            actor,
            Action.UPDATE,
            item,
            changes={"conversion": [None, f"1 {unit.name_zh} = {value} {item.base_unit.name_zh}"]},
        )
    return conversion
