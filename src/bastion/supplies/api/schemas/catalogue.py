"""Supplies API shapes: units, items and their unit conversions. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

from decimal import Decimal
from uuid import UUID

from ninja import Schema


class SuppliesUnitOut(Schema):
    code: str
    name_zh: str
    name_en: str
    dimension: str
    standard_factor: Decimal | None


class SuppliesUnitIn(Schema):
    code: str
    name_zh: str
    name_en: str = ""
    dimension: str
    standard_factor: str | None = None


class ConversionOut(Schema):
    unit: str
    factor: Decimal

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code


class ItemOut(Schema):
    public_id: UUID
    code: str
    name: str
    spec: str
    category: str
    base_unit: str
    reference_price: Decimal | None
    active: bool
    conversions: list[ConversionOut]

    @staticmethod
    def resolve_base_unit(obj) -> str:
        return obj.base_unit.code

    @staticmethod
    def resolve_conversions(obj):
        return list(obj.conversions.all())


class ItemIn(Schema):
    code: str
    name: str
    category: str
    base_unit: str
    spec: str = ""
    reference_price: str | None = None


class ItemPatchIn(Schema):
    name: str | None = None
    spec: str | None = None
    category: str | None = None
    reference_price: str | None = None
    active: bool | None = None


class ConversionIn(Schema):
    unit: str
    factor: str
