"""The dashboard benchmark's code at a tiny size on the test database (not timed)."""

from __future__ import annotations

import pytest

from benchmarks import dashboard


@pytest.mark.django_db
def test_dashboard_benchmark_smoke(settings):
    settings.BASTION_DASHBOARD_LIVE_SECONDS = 0
    data = dashboard.generate(residents=30, observations=20)
    assert data["households"] == 10 and data["residents"] == 50
    results = dashboard.measure(runs=1)
    assert all(t["median_ms"] > 0 for t in results["cold"].values())
    assert set(results["warm"]) == set(results["cold"])
    assert results["briefing"]["county briefing (generate)"]["median_ms"] > 0
