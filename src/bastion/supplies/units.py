"""Exact unit arithmetic for supplies: no floats anywhere.

Every quantity is stored in its item's base unit as a Decimal with at most
`QUANTITY_PLACES` decimals; an item counted in pieces, pairs or devices (a count base
unit) holds whole numbers only. A quantity entered in another unit converts through a
factor (base units per one entered unit) that is either

- the item's own conversion (a box of masks = 50 pieces for this item), or
- the ratio of two standard units of the same dimension (1 斤 = 500 g, 1 kg = 1000 g, so
  1 斤 = 0.5 kg).

The conversion is done with `fractions.Fraction`, so it is exact; a result that the
stored precision cannot hold exactly (1 g of an item counted in whole pieces) is an
error, never a rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

QUANTITY_PLACES = 3
QUANTITY_DIGITS = 18
# The largest quantity a DecimalField(18, 3) holds.
QUANTITY_MAX = Decimal(10) ** (QUANTITY_DIGITS - QUANTITY_PLACES) - Decimal("0.001")
FACTOR_PLACES = 6
MONEY_PLACES = 2
MONEY_MAX = Decimal("999999999999.99")

_STEP = Fraction(1, 10**QUANTITY_PLACES)


class UnitError(ValidationError):
    """A conversion that cannot be done; the message says what and where."""


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """What conversion needs to know of a unit (a plain value, so tests need no database)."""

    code: str
    name: str
    dimension: str  # "count", "mass", "volume"
    standard_factor: Decimal | None  # in the dimension's canonical unit (g, ml, piece)

    @property
    def whole(self) -> bool:
        return self.dimension == "count"


def parse_quantity(raw, *, label: str) -> Decimal:
    """A positive quantity as typed ('1,200', '2.5', 3) -> Decimal; ValidationError otherwise.

    `label` names the field in the message ("第2行 数量").
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError(_("%(label)s：必填") % {"label": label}, code="required")
    if isinstance(raw, float):
        raw = repr(raw)
    text = str(raw).strip().replace(",", "").replace("，", "").replace(" ", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("%(label)s：“%(value)s”不是数字") % {"label": label, "value": str(raw)[:30]},
            code="invalid",
        ) from None
    if not value.is_finite():
        raise ValidationError(_("%(label)s：不是有效的数字") % {"label": label}, code="invalid")
    if value <= 0:
        raise ValidationError(
            _("%(label)s：必须大于 0（填写的是 %(value)s）")
            % {"label": label, "value": format_quantity(value)},
            code="not_positive",
        )
    if value > QUANTITY_MAX:
        raise ValidationError(_("%(label)s：数量过大") % {"label": label}, code="too_large")
    if -value.as_tuple().exponent > QUANTITY_PLACES:  # type: ignore[operator]
        raise ValidationError(
            _("%(label)s：最多 %(n)d 位小数") % {"label": label, "n": QUANTITY_PLACES},
            code="too_precise",
        )
    return value


def parse_money(raw, *, label: str, allow_zero: bool = False) -> Decimal:
    """A positive amount of yuan ('411,000', '12.5') -> Decimal with 2 places."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError(_("%(label)s：必填") % {"label": label}, code="required")
    if isinstance(raw, float):
        raw = repr(raw)
    text = str(raw).strip().replace(",", "").replace("，", "").replace("¥", "").replace(" ", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("%(label)s：“%(value)s”不是金额") % {"label": label, "value": str(raw)[:30]},
            code="invalid",
        ) from None
    if not value.is_finite():
        raise ValidationError(_("%(label)s：不是有效的金额") % {"label": label}, code="invalid")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValidationError(
            _("%(label)s：必须大于 0（填写的是 %(value)s）")
            % {"label": label, "value": format_quantity(value)},
            code="not_positive",
        )
    if value > MONEY_MAX:
        raise ValidationError(_("%(label)s：金额过大") % {"label": label}, code="too_large")
    if -value.as_tuple().exponent > MONEY_PLACES:  # type: ignore[operator]
        raise ValidationError(
            _("%(label)s：金额最多精确到分") % {"label": label}, code="too_precise"
        )
    return value.quantize(Decimal("0.01"))


def standard_factor(unit: UnitSpec, base: UnitSpec) -> Fraction | None:
    """Base units per one `unit` from the standard factors, or None when they do not relate."""
    if unit.code == base.code:
        return Fraction(1)
    if (
        unit.dimension != base.dimension
        or unit.standard_factor is None
        or base.standard_factor is None
    ):
        return None
    return Fraction(unit.standard_factor) / Fraction(base.standard_factor)


def to_base(
    quantity: Decimal,
    factor: Fraction,
    base: UnitSpec,
    *,
    label: str,
    item_name: str,
    unit_name: str,
) -> Decimal:
    """`quantity` (in a unit worth `factor` base units) as an exact base-unit Decimal."""
    exact = Fraction(quantity) * factor
    if base.whole and exact.denominator != 1:
        raise UnitError(
            _(
                "%(label)s：%(qty)s %(unit)s 换算后是 %(exact)s %(base)s，"
                "物资“%(item)s”按整%(base)s计，不能有零头"
            )
            % {
                "label": label,
                "qty": format_quantity(quantity),
                "unit": unit_name,
                "exact": _fraction_text(exact),
                "base": base.name,
                "item": item_name,
            },
            code="not_whole",
        )
    if (exact / _STEP).denominator != 1:
        raise UnitError(
            _("%(label)s：%(qty)s %(unit)s 换算成%(base)s后超过 %(n)d 位小数，无法精确记账")
            % {
                "label": label,
                "qty": format_quantity(quantity),
                "unit": unit_name,
                "base": base.name,
                "n": QUANTITY_PLACES,
            },
            code="too_precise",
        )
    value = Decimal(exact.numerator) / Decimal(exact.denominator)
    value = value.quantize(Decimal(1).scaleb(-QUANTITY_PLACES))
    if value > QUANTITY_MAX:
        raise UnitError(_("%(label)s：数量过大") % {"label": label}, code="too_large")
    return value


def from_base(quantity: Decimal, factor: Fraction) -> Fraction:
    """A base-unit quantity expressed in a unit worth `factor` base units (exact)."""
    return Fraction(quantity) / factor


def factor_as_decimal(raw, *, label: str) -> Decimal:
    """A conversion factor as typed ('50', '0.5') -> Decimal > 0 with at most 6 places."""
    value = parse_quantity(raw, label=label)
    if -value.as_tuple().exponent > FACTOR_PLACES:  # type: ignore[operator]
        raise ValidationError(
            _("%(label)s：最多 %(n)d 位小数") % {"label": label, "n": FACTOR_PLACES}
        )
    return value


def format_quantity(value) -> str:
    """1400.500 -> '1,400.5'; 43050 -> '43,050'; no exponent, no trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):,}"
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_money(value) -> str:
    """411000 -> '411,000.00'."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(Decimal('0.01')):,}"


def _fraction_text(value: Fraction) -> str:
    if value.denominator == 1:
        return format_quantity(Decimal(value.numerator))
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return format_quantity(decimal.quantize(Decimal("0.0001")))
