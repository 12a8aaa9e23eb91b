"""API shapes of daily forms, their reports and the figures of the day. No `from __future__
import annotations`: ninja builds models from runtime annotations."""

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Schema


class DailyFieldIn(Schema):
    code: str
    label: str
    kind: str = "integer"
    required: bool = True
    min_value: int | None = 0
    max_value: int | None = None
    help_text: str = ""


class DailyFieldOut(Schema):
    code: str
    label: str
    kind: str
    required: bool
    min_value: int | None
    max_value: int | None
    help_text: str
    active: bool


class DailyFormIn(Schema):
    name: str
    levels: list[str]
    deadline_hour: int = 18
    description: str = ""
    fields: list[DailyFieldIn]


class DailyFormPatchIn(Schema):
    name: str | None = None
    description: str | None = None
    levels: list[str] | None = None
    deadline_hour: int | None = None
    active: bool | None = None


class DailyFormOut(Schema):
    public_id: UUID
    name: str
    description: str
    region_code: str
    levels: list[str]
    deadline_hour: int
    active: bool
    fields: list[DailyFieldOut]

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_fields(obj) -> list:
        return list(obj.fields.all())


class ActiveIn(Schema):
    active: bool


class DailyReportIn(Schema):
    unit: str
    values: dict[str, Any]


class DailyReportOut(Schema):
    public_id: UUID
    unit_code: str
    unit_name: str
    local_date: dt.date
    values: dict[str, Any]
    filed_at: dt.datetime
    late: bool
    amended_at: dt.datetime | None

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.region.name


class UnitStatusOut(Schema):
    unit_code: str
    unit_name: str
    filed: bool
    late: bool
    overdue: bool
    values: dict[str, Any]


class FormStatusOut(Schema):
    form: UUID
    day: dt.date
    deadline: dt.datetime
    units: int
    filed: int
    missing: int
    totals: dict[str, int]
    rows: list[UnitStatusOut]


class FigureOut(Schema):
    code: str
    name: str
    unit: str
    value: int | None
    group: str


class CommandFiguresOut(Schema):
    region_code: str
    region_name: str
    day: dt.date
    figures: list[FigureOut]
    forms: list[FormStatusOut]
