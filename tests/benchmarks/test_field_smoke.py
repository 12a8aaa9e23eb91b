"""The field benchmark's code at a tiny size on the test database (not timed)."""

from __future__ import annotations

import pytest

from benchmarks import field


@pytest.mark.django_db
def test_field_benchmark_smoke():
    assert field.generate(people=12, households=4) == {"people": 12, "households": 4}
    sizes = field.measure_sizes()
    assert set(sizes["pages"]) == set(field.PAGES)
    for page in sizes["pages"].values():
        assert 0 < page["first_load_gzip"] < page["first_load_raw"] < 300 * 1024
    assert sizes["day_bundle"]["raw"] > 0
    times = field.measure_times(runs=2)
    assert all(t["median_ms"] > 0 for t in times.values())
    assert len(times) == 2
