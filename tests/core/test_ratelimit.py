"""The shared rate limiter counts in the database (or Redis), not in process memory."""

from __future__ import annotations

import pytest

from bastion.core.models import RateCounter
from bastion.core.ratelimit import rate_counters_prune, rate_limit_hit


@pytest.mark.django_db
def test_hits_within_limit_pass_and_the_next_is_refused():
    results = [rate_limit_hit("t", "10.0.0.1", limit=3, window_seconds=60) for _ in range(4)]
    assert results == [False, False, False, True]


@pytest.mark.django_db
def test_counter_lives_in_the_database_with_a_hashed_key():
    rate_limit_hit("t", "10.0.0.9", limit=5, window_seconds=60)
    row = RateCounter.objects.get(bucket="t")
    assert row.count == 1
    assert "10.0.0.9" not in row.key and len(row.key) == 64


@pytest.mark.django_db
def test_buckets_and_keys_are_counted_apart():
    assert not rate_limit_hit("a", "k", limit=1, window_seconds=60)
    assert not rate_limit_hit("b", "k", limit=1, window_seconds=60)
    assert not rate_limit_hit("a", "other", limit=1, window_seconds=60)
    assert rate_limit_hit("a", "k", limit=1, window_seconds=60)


@pytest.mark.django_db
def test_a_new_window_starts_from_zero(monkeypatch):
    import bastion.core.ratelimit as rl

    now = [1_000_000.0]
    monkeypatch.setattr(rl.time, "time", lambda: now[0])
    assert not rate_limit_hit("w", "k", limit=1, window_seconds=60)
    assert rate_limit_hit("w", "k", limit=1, window_seconds=60)
    now[0] += 60
    assert not rate_limit_hit("w", "k", limit=1, window_seconds=60)


@pytest.mark.django_db
def test_prune_removes_old_windows_only(monkeypatch):
    import bastion.core.ratelimit as rl

    monkeypatch.setattr(rl.time, "time", lambda: 10_000_000.0)
    rate_limit_hit("p", "k", limit=9, window_seconds=60)
    RateCounter.objects.create(bucket="p", key="x" * 64, window_start=1, count=3)
    assert rate_counters_prune(older_than_seconds=3600) == 1
    assert RateCounter.objects.filter(bucket="p").count() == 1
