"""The volunteers benchmark's code at a tiny size on the test database (not timed)."""

from __future__ import annotations

import pytest

from bastion.volunteers.models import Task
from benchmarks import volunteers


@pytest.mark.django_db
def test_volunteers_benchmark_smoke(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    data = volunteers.generate(tasks=400)
    assert data["tasks"] == Task.objects.count() == 400
    county = volunteers.measure_nearby(username="bench_volunteer_county", runs=2)
    assert county["visible_open_tasks"] == 400
    assert county["rows"] == volunteers.PER_PAGE
    assert county["agree_with_raw"], county
    community = volunteers.measure_nearby(username="bench_volunteer", runs=2)
    assert 0 < community["visible_open_tasks"] < 400
    http = volunteers.measure_http(username="bench_volunteer_county", runs=2)
    assert http["page"]["median_ms"] > 0 and http["api"]["median_ms"] > 0
