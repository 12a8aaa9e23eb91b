"""The monitoring benchmark's code at a tiny size on the test database (not timed)."""

from __future__ import annotations

import pytest

from bastion.monitoring.models import FollowUp, Observation
from benchmarks import monitoring, monitoring_data, monitoring_load


@pytest.mark.django_db
def test_monitoring_benchmark_smoke():
    data = monitoring_data.generate(observations=60)
    assert data["observations"] == Observation.objects.count() == 60
    assert data["followups"] == FollowUp.objects.count() > 60 * 6
    assert data["team_members"] == 60 * 5
    counts = monitoring.measure_counts(username="bench_command", region_code="430121000000", runs=2)
    assert counts["totals"]["under"] == 60
    assert counts["agree"], (counts["totals"], counts["raw_totals"])
    page = monitoring.measure_today_page(username="bench_grid", runs=2)
    assert page["median_ms"] > 0 and page["bytes"] > 0


def test_wrk_script_and_parser(tmp_path):
    script = monitoring_load._script(
        tmp_path / "s.lua", ids=["a", "b"], token="bst_x", prefix="/p/{id}/"
    )
    text = script.read_text()
    assert '"a", "b"' in text and "Idempotency-Key" in text and "bst_x" in text
    assert monitoring_load._non_2xx("  Non-2xx or 3xx responses: 12\n") == 12
