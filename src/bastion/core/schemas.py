"""Shared API input schemas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import AfterValidator, BeforeValidator, model_validator


class ObjectIn(Schema):
    """A body that must be a JSON object. ninja reads any value through attribute access,
    so a body like `[null, null]` would pass a schema whose fields all have defaults."""

    @model_validator(mode="before")
    @classmethod
    def _object_only(cls, data):
        value = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(value, dict):
            raise ValueError(_("请求体必须是JSON对象"))
        return data


def _iso_only(value):
    """Refuse numbers where a date-time is expected: pydantic would read `0.5` as seconds
    since 1970, which no caller means and the schema (format date-time) does not allow."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raise ValueError(_("请使用ISO 8601日期时间，例如 2020-02-07T08:00:00+08:00"))
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return value
        raise ValueError(_("请使用ISO 8601日期时间，例如 2020-02-07T08:00:00+08:00"))
    return value


MAX_UTC_OFFSET = dt.timedelta(hours=14)  # the widest offset in use (Kiribati)


def _real_offset(value: dt.datetime) -> dt.datetime:
    """Refuse offsets no place uses (PostgreSQL stores at most ±15:59), then hold the
    moment in UTC."""
    offset = value.utcoffset()
    if offset is None:
        return value
    if abs(offset) > MAX_UTC_OFFSET:
        raise ValueError(_("时区偏移超出范围（最多±14:00）"))
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValueError(_("日期时间超出范围")) from exc


IsoDateTime = Annotated[dt.datetime, BeforeValidator(_iso_only), AfterValidator(_real_offset)]
"""A date-time given as an ISO 8601 string (query parameters and bodies)."""
