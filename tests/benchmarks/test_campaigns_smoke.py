"""The campaigns benchmark's code at a tiny size on the test database (not timed)."""

from __future__ import annotations

import pytest

from bastion.campaigns.models import CoverageCount, HouseholdVisit, VisitState
from benchmarks import campaigns, campaigns_data


@pytest.mark.django_db
def test_campaigns_benchmark_smoke():
    data = campaigns_data.generate(households=80, visits=200)
    assert data["households"] == 80 and data["grids"] == 8
    assert data["visits"] == HouseholdVisit.objects.count() > 80
    assert VisitState.objects.count() == data["states"]
    assert CoverageCount.objects.exists()
    for username, code in (("bench_command", "430121000000"), ("bench_grid", "430121000000")):
        result = campaigns.measure_coverage(username=username, region_code=code, runs=2)
        assert result["selector"]["median_ms"] > 0
        if username == "bench_command":
            assert result["agree"], (result["totals"],)
            assert result["totals"]["households"] == 80
    page = campaigns.measure_page(username="bench_command", runs=2)
    assert page["bytes"] > 0
