"""Pure rules of the volunteers app (no database): points, proposed hours, windows.

Kept apart so that the arithmetic can be tested on its own and read in one place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from bastion.volunteers.models.config import (
    DEFAULT_CANCEL_DEADLINE_HOURS,
    DEFAULT_MINUTES_PER_POINT,
    DEFAULT_POINTS_PER_UNIT,
)

# Check-in opens this long before the start; check-out closes this long after the end.
CHECKIN_OPENS_BEFORE = dt.timedelta(minutes=60)
CHECKOUT_CLOSES_AFTER = dt.timedelta(hours=6)
MAX_HOURS = Decimal("24")
HOURS_STEP = Decimal("0.01")


@dataclass(frozen=True)
class Rules:
    """The rules in force for a task's place (see models.VolunteerRules)."""

    allow_residents: bool = False
    cancel_deadline_hours: int = DEFAULT_CANCEL_DEADLINE_HOURS
    minutes_per_point: int = DEFAULT_MINUTES_PER_POINT
    points_per_unit: int = DEFAULT_POINTS_PER_UNIT
    public_requests: bool = True
    source_path: str = ""  # the region whose row these are ("" for the defaults)

    @property
    def label(self) -> str:
        """A short, stored description of the points rule ("30min=1")."""
        return f"{self.minutes_per_point}min={self.points_per_unit}"


def points_for(hours: Decimal, rules: Rules) -> int:
    """Points earned for `hours`: `points_per_unit` for every whole `minutes_per_point`.

    One point per half hour by default: 2 h -> 4, 1 h 29 min -> 2, 29 min -> 0.
    """
    if hours <= 0:
        return 0
    minutes = int((Decimal(hours) * 60).to_integral_value(rounding="ROUND_FLOOR"))
    return (minutes // rules.minutes_per_point) * rules.points_per_unit


def hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Hours from `start` to `end` (0 when end is not after start), to the hundredth."""
    seconds = max(0.0, (end - start).total_seconds())
    value = Decimal(seconds) / Decimal(3600)
    return min(MAX_HOURS, value.quantize(HOURS_STEP, rounding=ROUND_HALF_UP))


def proposed_span(
    *,
    task_start: dt.datetime,
    task_end: dt.datetime,
    checked_in: dt.datetime | None,
    checked_out: dt.datetime | None,
) -> tuple[dt.datetime, dt.datetime]:
    """The served span to propose for confirmation: the check-in/out times clipped to the
    task's window; without a check-out, until the task's end; without a check-in, the
    whole task (a leader confirming someone seen on site)."""
    start = max(checked_in, task_start) if checked_in else task_start
    end = min(checked_out, task_end) if checked_out else task_end
    return start, max(start, end)


def cancel_deadline(task_start: dt.datetime, rules: Rules) -> dt.datetime:
    """The last moment a volunteer may cancel their own claim."""
    return task_start - dt.timedelta(hours=rules.cancel_deadline_hours)
