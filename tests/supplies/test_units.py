"""Unit arithmetic: jin to kg, boxes to pieces, exact base-unit quantities, clear errors."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from bastion.supplies import units
from bastion.supplies.services.common import quantity_of
from tests.supplies.conftest import unit

KG = units.UnitSpec("kg", "千克", "mass", Decimal(1000))
JIN = units.UnitSpec("jin", "斤", "mass", Decimal(500))
GRAM = units.UnitSpec("g", "克", "mass", Decimal(1))
PIECE = units.UnitSpec("piece", "个", "count", Decimal(1))
PAIR = units.UnitSpec("pair", "双", "count", Decimal(2))
LITRE = units.UnitSpec("l", "升", "volume", Decimal(1000))


def convert(quantity, unit_spec, base):
    factor = units.standard_factor(unit_spec, base)
    return units.to_base(
        Decimal(quantity), factor, base, label="数量", item_name="物资", unit_name=unit_spec.name
    )


def test_jin_is_half_a_kilogram():
    assert convert("2800", JIN, KG) == Decimal("1400.000")
    assert convert("1", JIN, KG) == Decimal("0.500")
    assert convert("3", KG, JIN) == Decimal("6")


def test_grams_to_kilograms_keep_three_places_exactly():
    assert convert("1", GRAM, KG) == Decimal("0.001")
    with pytest.raises(ValidationError, match="超过 3 位小数"):
        convert("0.5", GRAM, KG)


def test_units_of_different_dimensions_do_not_convert():
    assert units.standard_factor(KG, LITRE) is None
    assert units.standard_factor(PIECE, KG) is None


def test_pairs_and_pieces_are_whole_in_a_count_base_unit():
    assert convert("3", PAIR, PIECE) == 6
    with pytest.raises(ValidationError, match="不能有零头"):
        convert("3", PIECE, PAIR)


@pytest.mark.parametrize("raw", ["0", "-5", "-0.001"])
def test_zero_and_negative_quantities_are_refused(raw):
    with pytest.raises(ValidationError, match="必须大于 0"):
        units.parse_quantity(raw, label="第1行数量")


@pytest.mark.parametrize("raw", ["abc", "1,2a", "NaN", "Infinity", ""])
def test_non_numbers_are_refused_with_the_field_named(raw):
    with pytest.raises(ValidationError) as info:
        units.parse_quantity(raw, label="第3行数量")
    assert "第3行数量" in info.value.messages[0]


def test_quantities_accept_thousands_separators_but_not_floats_rounding():
    assert units.parse_quantity("43,050", label="x") == Decimal("43050")
    assert units.parse_quantity(0.1, label="x") == Decimal("0.1")  # repr, not binary float
    with pytest.raises(ValidationError, match="最多 3 位小数"):
        units.parse_quantity("1.0001", label="x")


def test_format_quantity_has_no_exponent_or_trailing_zeros():
    assert units.format_quantity(Decimal("1400.500")) == "1,400.5"
    assert units.format_quantity(Decimal("43050.000")) == "43,050"
    assert units.format_quantity(Decimal("1E+3")) == "1,000"


def test_a_box_of_masks_is_fifty_pieces_for_that_item(supplies):
    quantity = quantity_of(supplies.masks, "3", "box", label="数量")
    assert quantity.base == 150 and quantity.entered == 3 and quantity.unit.code == "box"
    # the same unit means nothing for an item without that conversion
    with pytest.raises(ValidationError, match="没有“箱”的换算"):
        quantity_of(supplies.suits, "3", "box", label="数量")


def test_unknown_unit_names_the_unit_and_the_field(supplies):
    with pytest.raises(ValidationError) as info:
        quantity_of(supplies.masks, "3", "麻袋", label="第2行（医用口罩）数量")
    assert "第2行（医用口罩）数量" in info.value.messages[0]
    assert "未知单位“麻袋”" in info.value.messages[0]


def test_an_item_in_kilograms_accepts_jin_by_the_standard_ratio(supplies):
    assert quantity_of(supplies.alcohol, "2800", unit("jin"), label="x").base == 1400
    assert quantity_of(supplies.rice, "2", "bag", label="x").base == 50


# --- Properties -------------------------------------------------------------------------

mass_units = st.sampled_from([KG, JIN, GRAM, units.UnitSpec("t", "吨", "mass", Decimal(10**6))])
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3)


@settings(max_examples=200, deadline=None)
@given(quantity=quantities, source=mass_units, base=mass_units)
def test_conversion_is_exact_or_refused_never_rounded(quantity, source, base):
    factor = units.standard_factor(source, base)
    try:
        value = units.to_base(quantity, factor, base, label="x", item_name="i", unit_name="u")
    except ValidationError:
        assert (Fraction(quantity) * factor / Fraction(1, 1000)).denominator != 1
        return
    assert Fraction(value) == Fraction(quantity) * factor


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=30))
def test_jin_totals_add_up_to_the_unit_in_kilograms(parts):
    total_kg = sum(convert(Decimal(p), JIN, KG) for p in parts)
    assert total_kg * 2 == sum(parts)


@settings(max_examples=100, deadline=None)
@given(
    boxes=st.integers(min_value=1, max_value=10**6), per_box=st.integers(min_value=1, max_value=500)
)
def test_boxes_to_pieces_multiplies_exactly(boxes, per_box):
    value = units.to_base(
        Decimal(boxes), Fraction(per_box), PIECE, label="x", item_name="i", unit_name="箱"
    )
    assert value == boxes * per_box
    assert units.from_base(value, Fraction(per_box)) == boxes
