"""The trend: an indicator's figure at the end of each day of the response."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from bastion.core.indicators import Indicator
from bastion.reports.dashboard.caching import day_moment, figure
from bastion.reports.dashboard.where import Where

DEFAULT_TREND_DAYS = 14
MAX_TREND_DAYS = 60


def response_start(end: dt.date, days: int | None) -> dt.date:
    """The first day of the trend: BASTION_RESPONSE_START if set (capped), else `days` back."""
    days = max(2, min(days or DEFAULT_TREND_DAYS, MAX_TREND_DAYS))
    start = end - dt.timedelta(days=days - 1)
    configured = getattr(settings, "BASTION_RESPONSE_START", None)
    if configured and days == DEFAULT_TREND_DAYS:
        configured = dt.date.fromisoformat(str(configured))
        start = max(configured, end - dt.timedelta(days=MAX_TREND_DAYS - 1))
        start = min(start, end)
    return start


def trend(
    *, user, where: Where, indicator: Indicator, end: dt.date, days: int | None = None
) -> list[tuple[dt.date, int | None]]:
    """(day, value at the end of that day) from the response's start to `end`."""
    scope = where.scope(user)
    start = response_start(end, days)
    out = []
    day = start
    while day <= end:
        out.append((day, figure(indicator, scope, day_moment(day))))
        day += dt.timedelta(days=1)
    return out
