"""What every supplies service shares: permission checks, gapless numbers, row locks,
quantity parsing against the item catalogue, and the one audit call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.scoping import can_on_org_or_region
from bastion.core.audit import audit_record
from bastion.supplies import units
from bastion.supplies.models import Item, ItemUnit, NumberSequence, Unit, Warehouse

# Number prefixes: 捐赠回执 JZ, 分配单 FP, 出库单 CK, 调拨单 DB, 现金用途 YT.
PREFIXES = {
    "donation": "JZ",
    "allocation": "FP",
    "shipment": "CK",
    "transfer": "DB",
    "purpose": "YT",
}
# A moment this far ahead of the server clock is still "now" (phones drift).
CLOCK_SKEW = dt.timedelta(minutes=5)


def is_system(actor) -> bool:
    """The demo generator and management commands act as a superuser or with actor None."""
    return actor is None or getattr(actor, "is_superuser", False)


def user_or_none(actor):
    """The actor to record on a row (None for the system: the demo, commands)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def can(actor, perm: str, *, path: str, org_path: str = "") -> bool:
    """May `actor` do `perm` on a record at region `path` / organization `org_path`?"""
    if is_system(actor):
        return True
    return can_on_org_or_region(actor, perm, org_path=org_path, region_path=path)


def require(actor, perm: str, *, path: str, org_path: str = "", message: str = "") -> None:
    """PermissionDenied (403) unless `can`; callers found the record through a scoped
    selector first, so a record outside the actor's view has already answered 404."""
    if not can(actor, perm, path=path, org_path=org_path):
        raise PermissionDenied(message or _("没有权限执行此操作"))


def is_keeper(actor, warehouse: Warehouse) -> bool:
    from bastion.access.roles import Perm

    if is_system(actor):
        return True
    if not can(actor, Perm.STOCK_MANAGE, path=warehouse.path):
        return False
    return warehouse.keepers.filter(pk=actor.pk).exists()


def require_keeper(actor, warehouse: Warehouse) -> None:
    if not is_keeper(actor, warehouse):
        raise PermissionDenied(_("只有仓库“%(w)s”的保管员可以登记出入库") % {"w": warehouse.name})


def require_active(warehouse: Warehouse) -> None:
    if not warehouse.active:
        raise ValidationError({"warehouse": [_("仓库“%(w)s”已停用") % {"w": warehouse.name}]})


def lock_warehouses(*warehouses: Warehouse) -> None:
    """Take the row locks of the warehouses (in id order, so two transfers cannot
    deadlock). Every ledger write of a warehouse holds its lock, so balances read after
    it are final until commit. SQLite serializes writers with IMMEDIATE transactions."""
    ids = sorted({w.pk for w in warehouses})
    list(Warehouse.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def next_number(kind: str, when: dt.datetime) -> str:
    """The next number of `kind` in the local year of `when` ("JZ2020-0001").

    Gapless: the sequence row is locked and incremented in the caller's transaction; a
    rollback gives the number back. Must run inside transaction.atomic().
    """
    year = timezone.localtime(when).year
    sequence = NumberSequence.objects.select_for_update().filter(kind=kind, year=year).first()
    if sequence is None:
        try:
            with transaction.atomic():
                sequence = NumberSequence.objects.create(kind=kind, year=year, last=0)
        except IntegrityError:  # another transaction created it first; wait for its lock
            sequence = NumberSequence.objects.select_for_update().get(kind=kind, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{PREFIXES[kind]}{year}-{sequence.last:04d}"


def moment(value: dt.datetime | None, *, field: str, label: str, now=None) -> dt.datetime:
    """When something happened: now by default, never naive, never in the future."""
    now = now or timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        raise ValidationError({field: [_("%(l)s：缺少时区") % {"l": label}]})
    if value > now + CLOCK_SKEW:
        raise ValidationError({field: [_("%(l)s：不能晚于当前时间") % {"l": label}]})
    return value


def clean_text(value, *, field: str, label: str, required: bool = False, limit: int = 300) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("%(l)s：必填") % {"l": label}]})
    if len(text) > limit:
        raise ValidationError({field: [_("%(l)s：最多 %(n)d 个字") % {"l": label, "n": limit}]})
    if "\x00" in text:
        raise ValidationError({field: [_("%(l)s：含有不允许的字符") % {"l": label}]})
    return text


# --- Quantities against the catalogue ---------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A quantity as typed and its exact base-unit value."""

    entered: Decimal
    unit: Unit
    base: Decimal


def conversion_factor(item: Item, unit: Unit) -> Fraction | None:
    """Base units of `item` per one `unit`, or None when the item has no such unit."""
    if unit.pk == item.base_unit_id:
        return Fraction(1)
    own = next((c for c in _conversions(item) if c.unit_id == unit.pk), None)
    if own is not None:
        return Fraction(own.factor)
    return units.standard_factor(unit.spec, item.base_unit.spec)


def _conversions(item: Item) -> list[ItemUnit]:
    cached = getattr(item, "_conversions_cache", None)
    if cached is None:
        cached = list(item.conversions.all())
        item._conversions_cache = cached
    return cached


def item_units(item: Item) -> list[Unit]:
    """Every unit a quantity of `item` may be entered in, the base unit first."""
    result = [item.base_unit]
    for unit in Unit.objects.all():
        if unit.pk != item.base_unit_id and conversion_factor(item, unit) is not None:
            result.append(unit)
    return result


def resolve_unit(value, *, label: str) -> Unit:
    """A Unit, or its code or Chinese name ("kg", "斤"); ValidationError naming the unit."""
    if isinstance(value, Unit):
        return value
    text = str(value or "").strip()
    if not text:
        raise ValidationError(_("%(label)s：请选择单位") % {"label": label}, code="required")
    unit = Unit.objects.filter(code=text).first() or Unit.objects.filter(name_zh=text).first()
    if unit is None:
        raise ValidationError(
            _("%(label)s：未知单位“%(unit)s”") % {"label": label, "unit": text[:20]},
            code="unknown_unit",
        )
    return unit


def quantity_of(item: Item, raw, unit, *, label: str, allow_zero: bool = False) -> Quantity:
    """Parse `raw` in `unit` (a Unit, code or name) for `item` into an exact Quantity.

    ValidationError (a plain message that names `label`, the item and the unit) for a
    missing, non-numeric, zero or negative quantity, an unknown unit, a unit the item
    has no conversion for, or a value the base unit cannot hold exactly.
    """
    unit = resolve_unit(unit, label=label)
    if allow_zero and str(raw).strip() in ("0", "0.0", "0.00", "0.000"):
        return Quantity(Decimal(0), unit, Decimal("0.000"))
    entered = units.parse_quantity(raw, label=label)
    factor = conversion_factor(item, unit)
    if factor is None:
        raise ValidationError(
            _("%(label)s：物资“%(item)s”没有“%(unit)s”的换算，可用单位：%(units)s")
            % {
                "label": label,
                "item": item.name,
                "unit": unit.name_zh,
                "units": "、".join(u.name_zh for u in item_units(item)),
            },
            code="unknown_unit",
        )
    base = units.to_base(
        entered,
        factor,
        item.base_unit.spec,
        label=label,
        item_name=item.name,
        unit_name=unit.name_zh,
    )
    return Quantity(entered, unit, base)


def in_base(item: Item, value: Decimal) -> str:
    """ "1,400.5 千克" for messages."""
    return f"{units.format_quantity(value)} {item.base_unit.name_zh}"


def audit(actor, action: str, obj, *, changes: dict | None = None, reason: str = "", path=""):
    return audit_record(
        actor=actor,
        action=action,
        obj=obj,
        path=path or getattr(obj, "path", ""),
        changes=changes or {},
        reason=reason,
    )


class Errors:
    """Collects field errors across lines so the user sees all of them at once; raises
    one ValidationError (nothing is written) when any were added."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def catch(self, field: str, exc: ValidationError) -> None:
        for message in exc.messages:
            self.add(field, message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)

    def __bool__(self) -> bool:
        return bool(self.fields)
