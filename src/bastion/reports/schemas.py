"""API shapes of indicators, their figures and the records behind them."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class IndicatorOut(Schema):
    code: str
    name: str
    name_zh: str
    name_en: str
    unit: str
    unit_zh: str
    unit_en: str
    description: str


class BreakdownOut(Schema):
    code: str
    label: str
    value: int


class ReportsRegionRef(Schema):
    code: str
    name: str
    level: str


class IndicatorValueOut(Schema):
    indicator: IndicatorOut
    value: int
    as_of: dt.datetime
    region: ReportsRegionRef | None = None
    breakdown: list[BreakdownOut]


class RecordOut(Schema):
    public_id: str
    kind: str
    name: str
    code: str
    region_code: str
    region_name: str
