"""What the command demo's parts share: the demo town and a local time helper."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

DEMO_TOWN = "星沙街道"


def local_at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
