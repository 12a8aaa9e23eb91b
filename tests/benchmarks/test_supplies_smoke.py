"""The supplies benchmark's code at a tiny size on the test database (not timed)."""

from __future__ import annotations

import pytest
from django.db import connection

from bastion.supplies.models import StockMove
from benchmarks import supplies


@pytest.mark.django_db
def test_supplies_benchmark_smoke():
    data = supplies.generate(donations=40)
    assert data["moves"] == StockMove.objects.count() == 60
    results = supplies.measure_inprocess(runs=2)
    assert results["public_page"]["median_ms"] > 0
    assert results["ledger_export"]["rows"] == 60 + 3  # three issues measured


@pytest.mark.django_db(transaction=True)
def test_supplies_concurrent_issues_never_overdraw():
    if connection.vendor != "postgresql":
        pytest.skip("threads on the in-memory SQLite test database share one connection lock")
    supplies.generate(donations=12)
    result = supplies.measure_concurrent(threads=2, issues=3)
    assert result["negative_lots"] == 0
    assert result["issues"] + result["refused"] == 6
