"""The county-scale generator and the results table at a tiny size on the test database
(not timed: this keeps the code from rotting)."""

from __future__ import annotations

import pytest
from django.db import connection

from benchmarks import roster, scale, table


@pytest.mark.django_db
def test_tiny_county_and_its_results_table(tmp_path):
    lines: list[str] = []
    result = scale.build(factor=0.0005, out=lines.append, tmp=tmp_path)
    assert result["people"] >= 500 and result["households"] > 100
    assert result["observations"] >= 50 and result["followups"] > result["observations"] * 6
    assert result["visits"] >= 400 and result["tasks"] == 50 and result["donations"] == 5
    assert result["party_members"] >= 50
    assert any("rows/s" in line for line in lines)

    rows = (
        table.rollup_rows(runs=1)
        + table.page_rows(runs=1)
        + table.dashboard_rows(runs=1)
        + table.briefing_rows(runs=1)
    )
    names = [r["benchmark"] for r in rows]
    for level in ("county", "town", "grid"):
        for case in ("monitoring counts", "campaign coverage", "people (indicator)"):
            assert f"{case}, {level}" in names, names  # no "(figures DIFFER)"
    assert all(r["figure"] > 0 and r["met"] is not None for r in rows)
    assert "county dashboard page, cold (GET)" in names and "county briefing (generate)" in names
    assert "nearby tasks, county-wide volunteer" in names
    text = table.render(rows)
    assert "met?" in text and "grid worker's today page" in text
    assert table.markdown(rows).count("\n") == len(rows) + 1


@pytest.mark.django_db
def test_import_rows_against_the_floor(tmp_path):
    csv_path, xlsx_path = tmp_path / "r.csv", tmp_path / "r.xlsx"
    roster.write_csv(csv_path, 30)
    roster.write_xlsx(xlsx_path, 30)
    roster.ensure_grids()
    rows = table.import_rows_inprocess(csv_path, xlsx_path)
    assert [r["benchmark"] for r in rows] == [
        "roster import .csv, 30 rows",
        "roster import .xlsx, 30 rows",
    ]
    assert all(r["figure"] > 0 and r["baseline"] > 0 and r["ratio"] > 0 for r in rows)
    expected = "raw COPY" if connection.vendor == "postgresql" else "executemany"
    assert rows[0]["floor_kind"] == expected
