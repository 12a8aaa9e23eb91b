"""The roster benchmark's code, run on a tiny roster so that it cannot rot (not timed)."""

from __future__ import annotations

import pytest
from django.db import connection

from benchmarks import roster


@pytest.fixture
def files(tmp_path):
    csv_path, xlsx_path = tmp_path / "r.csv", tmp_path / "r.xlsx"
    roster.write_csv(csv_path, 40)
    roster.write_xlsx(xlsx_path, 40)
    return csv_path, xlsx_path


@pytest.mark.django_db
def test_roster_benchmark_smoke(files):
    roster.ensure_grids()
    csv_path, xlsx_path = files
    for path in files:
        roster.clear_people()
        result = roster.measure_import(path)
        assert result["rows"] == result["created"] == result["people_in_db"] == 40
        assert result["rows_per_s"] > 0 and result["peak_rss_mb"] > 0
    roster.clear_people()
    result = roster.measure_import(csv_path, workers=2)
    assert result["created"] == 40
    if connection.vendor == "postgresql":
        roster.clear_people()
        copied = roster.measure_raw_copy(csv_path)
        assert copied["rows"] == 40
