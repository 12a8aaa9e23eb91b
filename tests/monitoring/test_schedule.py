"""The schedule is derived, not stored: day boundaries in Asia/Shanghai, cut-off hour,
several follow-ups a day, late entries and corrections.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count

from bastion.monitoring import schedule
from bastion.monitoring.models import Observation

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
START = dt.date(2026, 3, 2)


def obs(days=14, extra=0, status="active", ended_at=None):
    return SimpleNamespace(
        starts_on=START,
        observation_days=days,
        extra_days=extra,
        status=status,
        ended_at=ended_at,
    )


def pol(per_day=1, cutoff=20):
    return SimpleNamespace(followups_per_day=per_day, cutoff_hour=cutoff)


_ids = iter(range(1, 1_000_000))


def fu(observed_at, corrects=None, pk=None):
    return SimpleNamespace(
        pk=pk or next(_ids),
        observed_at=observed_at,
        local_date=schedule.local_date_of(observed_at),
        corrects_id=corrects.pk if corrects else None,
        abnormal=False,
    )


def local(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def states_on(slots, day):
    return [s.state for s in slots if s.local_date == day]


def test_period_runs_observation_plus_extra_days_from_day_one():
    assert schedule.period_dates(obs()) == (START, dt.date(2026, 3, 15))
    assert schedule.period_dates(obs(extra=3)) == (START, dt.date(2026, 3, 18))
    assert schedule.day_number(obs(), START) == 1
    assert schedule.day_number(obs(), dt.date(2026, 3, 15)) == 14


def test_utc_1559_is_still_the_same_local_day_and_1601_is_the_next():
    assert schedule.local_date_of(dt.datetime(2026, 3, 4, 15, 59, tzinfo=UTC)) == dt.date(
        2026, 3, 4
    )
    assert schedule.local_date_of(dt.datetime(2026, 3, 4, 16, 1, tzinfo=UTC)) == dt.date(2026, 3, 5)


def test_entry_at_2359_local_fills_that_day_and_0001_fills_the_next():
    now = local(2026, 3, 5, 12)
    late = fu(local(2026, 3, 3, 23, 59))
    early = fu(local(2026, 3, 5, 0, 1))
    slots = schedule.slot_states(obs(), pol(), [late, early], now)
    assert states_on(slots, dt.date(2026, 3, 3)) == ["done"]
    assert states_on(slots, dt.date(2026, 3, 4)) == ["missed"]
    assert states_on(slots, dt.date(2026, 3, 5)) == ["done"]


def test_slot_states_cover_every_day_and_slot():
    now = local(2026, 3, 5, 12)
    slots = schedule.slot_states(obs(), pol(per_day=2), [], now)
    assert len(slots) == 28
    assert {s.state for s in slots if s.local_date < dt.date(2026, 3, 5)} == {"missed"}
    assert states_on(slots, dt.date(2026, 3, 5)) == ["due", "due"]
    assert {s.state for s in slots if s.local_date > dt.date(2026, 3, 5)} == {"upcoming"}
    assert [s.slot for s in slots[:2]] == [1, 2]


@pytest.mark.parametrize(
    ("hour", "minute", "state"),
    [(19, 59, "due"), (20, 0, "overdue"), (20, 1, "overdue"), (0, 0, "due")],
)
def test_cutoff_hour_edges(hour, minute, state):
    now = local(2026, 3, 5, hour, minute)
    slots = schedule.slot_states(obs(), pol(cutoff=20), [], now)
    assert states_on(slots, dt.date(2026, 3, 5)) == [state]
    assert schedule.is_past_cutoff(20, now) is (state == "overdue")


def test_cutoff_is_local_time_not_utc():
    # 12:30 UTC is 20:30 in Shanghai: past the cut-off.
    now = dt.datetime(2026, 3, 5, 12, 30, tzinfo=UTC)
    assert states_on(schedule.slot_states(obs(), pol(cutoff=20), [], now), dt.date(2026, 3, 5)) == [
        "overdue"
    ]


def test_several_followups_a_day_fill_slots_in_observed_order():
    now = local(2026, 3, 5, 21)
    second = fu(local(2026, 3, 5, 15), pk=1)  # entered first, observed later
    first = fu(local(2026, 3, 5, 8), pk=2)
    slots = schedule.slot_states(obs(), pol(per_day=3), [second, first], now)
    today = [s for s in slots if s.local_date == dt.date(2026, 3, 5)]
    assert [s.state for s in today] == ["done", "done", "overdue"]
    assert [s.followup for s in today[:2]] == [first, second]


def test_extra_followups_beyond_the_slots_fill_nothing():
    now = local(2026, 3, 5, 21)
    entries = [fu(local(2026, 3, 5, h)) for h in (8, 9, 10)]
    today = schedule.day_slots(obs(), pol(per_day=2), dt.date(2026, 3, 5), entries, now)
    assert [s.state for s in today] == ["done", "done"]


def test_late_entry_fills_the_day_it_was_observed():
    now = local(2026, 3, 6, 9)
    late = fu(local(2026, 3, 4, 18))  # typed in on the 6th
    slots = schedule.slot_states(obs(), pol(), [late], now)
    assert states_on(slots, dt.date(2026, 3, 4)) == ["done"]
    assert states_on(slots, dt.date(2026, 3, 5)) == ["missed"]


def test_a_correction_replaces_the_entry_it_corrects_instead_of_adding():
    now = local(2026, 3, 5, 21)
    original = fu(local(2026, 3, 5, 8))
    correction = fu(local(2026, 3, 5, 8, 5), corrects=original)
    today = schedule.day_slots(
        obs(), pol(per_day=2), dt.date(2026, 3, 5), [original, correction], now
    )
    assert [s.state for s in today] == ["done", "overdue"]
    assert today[0].followup is correction


def test_a_correction_that_moves_the_date_moves_the_count():
    now = local(2026, 3, 6, 9)
    wrong_day = fu(local(2026, 3, 5, 8))
    fixed = fu(local(2026, 3, 4, 8), corrects=wrong_day)
    slots = schedule.slot_states(obs(), pol(), [wrong_day, fixed], now)
    assert states_on(slots, dt.date(2026, 3, 4)) == ["done"]
    assert states_on(slots, dt.date(2026, 3, 5)) == ["missed"]


def test_entries_outside_the_period_count_nowhere():
    now = local(2026, 3, 20, 9)
    after = fu(local(2026, 3, 16, 9))
    slots = schedule.slot_states(obs(), pol(), [after], now)
    assert len(slots) == 14
    assert all(s.followup is None for s in slots)
    assert {s.state for s in slots} == {"missed"}


def test_ended_observation_stops_at_its_end_date():
    ended = obs(status="ended", ended_at=local(2026, 3, 4, 9))
    slots = schedule.slot_states(ended, pol(), [], local(2026, 3, 10, 9))
    assert [s.local_date for s in slots][-1] == dt.date(2026, 3, 4)


def test_day_state_prefers_the_worst():
    mk = lambda st: schedule.SlotState(1, START, 1, st)  # noqa: E731
    assert schedule.day_state([mk("done"), mk("overdue")]) == "overdue"
    assert schedule.day_state([mk("done"), mk("due")]) == "due"
    assert schedule.day_state([mk("done")]) == "done"


def test_sql_helpers_select_in_period_observations_and_count_counted_followups(
    observation, county, in_period
):
    from bastion.monitoring.services.followups import followup_record

    first = followup_record(
        actor=county.gridworker,
        observation=observation,
        observed_at=in_period,
        temperature="36.5",
        symptoms=[],
        at_home=True,
        now=in_period,
    )
    followup_record(
        actor=county.gridworker,
        observation=observation,
        observed_at=in_period,
        temperature="36.6",
        symptoms=[],
        at_home=True,
        corrects=first,
        now=in_period,
    )
    today = in_period.date()
    qs = Observation.objects.annotate(period_last=schedule.period_last_date_expression())
    row = qs.get(pk=observation.pk)
    assert row.period_last == dt.date(2026, 3, 15)
    assert qs.filter(schedule.in_period_q(dt.date(2026, 3, 15))).count() == 1
    assert qs.filter(schedule.in_period_q(dt.date(2026, 3, 16))).count() == 0
    assert qs.filter(schedule.in_period_q(dt.date(2026, 3, 1))).count() == 0
    counted = Observation.objects.annotate(
        n=Count("followups", filter=schedule.counted_followups_q(today, "followups__"))
    ).get(pk=observation.pk)
    assert counted.n == 1
