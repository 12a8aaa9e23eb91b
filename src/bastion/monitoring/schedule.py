"""The expected follow-up schedule of an observation, derived at read time (no DB access).

The rule, in one place (every screen, indicator and job follows it):

- The period is `observation_days + extra_days` local (Asia/Shanghai) days from
  `starts_on` (day 1). An ended or released observation stops at its end date.
- Each day has `policy.followups_per_day` slots.
- Only *counted* follow-ups fill slots: an entry that a later correction replaces
  (some row has `corrects` = it) does not count; the correction counts in its place,
  on the correction's own `local_date`. Entries outside the period count nowhere.
- On each day, counted follow-ups fill slots 1, 2, ... in `observed_at` order (then id);
  extra entries beyond the day's slots are kept but fill nothing.
- A slot's state: a future day -> upcoming; a past day -> done or missed; today ->
  done, or due before `policy.cutoff_hour` local time (hh:00:00 is already past it),
  or overdue from then on.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import DateField, F, Func, Q
from django.utils import timezone

UPCOMING = "upcoming"
DUE = "due"
OVERDUE = "overdue"
DONE = "done"
MISSED = "missed"
STATES = (UPCOMING, DUE, OVERDUE, DONE, MISSED)


@dataclass(frozen=True, slots=True)
class SlotState:
    day: int
    local_date: dt.date
    slot: int
    state: str
    followup: Any = None


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    return timezone.localtime(now or timezone.now())


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today's local date (Asia/Shanghai) at `now`."""
    return local_now(now).date()


def local_date_of(moment: dt.datetime) -> dt.date:
    """The local date an aware datetime falls on (UTC 15:59 -> same day, 16:01 -> next day)."""
    return timezone.localtime(moment).date()


def period_dates(observation) -> tuple[dt.date, dt.date]:
    """First and last local date of the period (inclusive), before any early end."""
    first = observation.starts_on
    total = observation.observation_days + observation.extra_days
    return first, first + dt.timedelta(days=max(total, 1) - 1)


def effective_last_date(observation) -> dt.date:
    """The last scheduled day: the period's last day, or the end date if ended earlier."""
    last = period_dates(observation)[1]
    ended_at = getattr(observation, "ended_at", None)
    if getattr(observation, "status", "active") != "active" and ended_at is not None:
        last = min(last, local_date_of(ended_at))
    return last


def day_number(observation, local_date: dt.date) -> int:
    """Day N of the period for `local_date` (1 = starts_on; may fall outside 1..total)."""
    return (local_date - observation.starts_on).days + 1


def counted_followups(followups: Iterable) -> list:
    """The follow-ups that count: those no other entry in `followups` corrects."""
    rows = list(followups)
    replaced = {f.corrects_id for f in rows if getattr(f, "corrects_id", None)}
    return [f for f in rows if f.pk not in replaced]


def _by_date(followups: Iterable) -> dict[dt.date, list]:
    days: dict[dt.date, list] = defaultdict(list)
    for f in counted_followups(followups):
        days[f.local_date].append(f)
    for rows in days.values():
        rows.sort(key=lambda f: (f.observed_at, f.pk or 0))
    return days


def _today_state(policy, now: dt.datetime) -> str:
    return DUE if local_now(now).hour < policy.cutoff_hour else OVERDUE


def day_slots(
    observation, policy, local_date: dt.date, followups: Iterable, now: dt.datetime | None = None
) -> list[SlotState]:
    """The slots of one day (all `followups` given are assumed to be the observation's)."""
    now = now or timezone.now()
    today = local_today(now)
    rows = _by_date(f for f in followups if f.local_date == local_date).get(local_date, [])
    per_day = policy.followups_per_day
    number = day_number(observation, local_date)
    out = []
    for slot in range(1, per_day + 1):
        f = rows[slot - 1] if slot <= len(rows) else None
        if f is not None:
            state = DONE
        elif local_date > today:
            state = UPCOMING
        elif local_date < today:
            state = MISSED
        else:
            state = _today_state(policy, now)
        out.append(SlotState(number, local_date, slot, state, f))
    return out


def slot_states(
    observation, policy, followups: Iterable, now: dt.datetime | None = None
) -> list[SlotState]:
    """Every slot of the period, day 1..N x followups_per_day, with its state."""
    now = now or timezone.now()
    first = observation.starts_on
    last = effective_last_date(observation)
    days = _by_date(followups)
    out: list[SlotState] = []
    day = first
    while day <= last:
        out.extend(day_slots(observation, policy, day, days.get(day, []), now))
        day += dt.timedelta(days=1)
    return out


def day_state(slots: list[SlotState]) -> str:
    """One state for a day's slots: overdue/missed beat due, due beats done."""
    states = {s.state for s in slots}
    for state in (OVERDUE, MISSED, DUE, UPCOMING):
        if state in states:
            return state
    return DONE


# --- The same rule for SQL (monitor counts, indicators, missed-alert jobs) -----------


class AddDays(Func):
    """`date + n days` for a DateField and an integer expression, on SQLite and PostgreSQL."""

    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL: date + integer
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        days_sql, days_params = compiler.compile(self.source_expressions[1])
        return f"({date_sql} + ({days_sql}))", [*date_params, *days_params]

    def as_sqlite(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        days_sql, days_params = compiler.compile(self.source_expressions[1])
        return (
            f"date({date_sql}, '+' || CAST(({days_sql}) AS TEXT) || ' days')",
            [*date_params, *days_params],
        )


def period_last_date_expression(prefix: str = "") -> AddDays:
    """An expression for an Observation's last period day: starts_on + days + extra - 1."""
    return AddDays(
        F(f"{prefix}starts_on"),
        F(f"{prefix}observation_days") + F(f"{prefix}extra_days") - 1,
    )


def in_period_q(local_date: dt.date, prefix: str = "") -> Q:
    """Observations whose period covers `local_date`. Use on a queryset annotated with
    `period_last=period_last_date_expression()` (the Q names that annotation).
    """
    return Q(**{f"{prefix}starts_on__lte": local_date, "period_last__gte": local_date})


def counted_followups_q(local_date: dt.date | None = None, prefix: str = "") -> Q:
    """FollowUp filter for the entries that count (not replaced by a correction).

    With `prefix="followups__"` it filters an Observation queryset's related follow-ups,
    e.g. `Count("followups", filter=counted_followups_q(today, "followups__"))`; the day is
    done when that count >= policy.followups_per_day, else due before the cut-off hour
    (`is_past_cutoff`) and overdue after; a past day short of slots is missed.
    """
    q = Q(**{f"{prefix}corrected_by__isnull": True})
    if local_date is not None:
        q &= Q(**{f"{prefix}local_date": local_date})
    return q


def is_past_cutoff(cutoff_hour: int, now: dt.datetime | None = None) -> bool:
    """True from `cutoff_hour`:00 local time on: today's unfilled slots are overdue."""
    return local_now(now).hour >= cutoff_hour
