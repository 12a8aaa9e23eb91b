"""The command benchmark's code at a tiny size on the test database (not timed)."""

from __future__ import annotations

import pytest

from benchmarks import command


@pytest.mark.django_db
def test_command_benchmark_smoke(kinds):
    data = command.generate(units=18, directives=2, incidents=40)
    assert data["units"] == 36 and data["targets"] == 72 and data["incidents"] == 40
    pages = command.measure_pages(runs=1)
    assert all(p["median_ms"] > 0 for p in pages.values())
    assert set(command.measure_indicators(runs=1)) >= {"command_incidents_open"}
    jobs = command.measure_jobs()
    assert all(j["sent_again"] == 0 for j in jobs.values())


@pytest.fixture
def kinds(db):
    from bastion.command.models import IncidentKind

    if not IncidentKind.objects.exists():
        from importlib import import_module

        from django.apps import apps

        import_module("bastion.command.migrations.0002_default_incident_kinds").seed(apps, None)
