"""The party benchmark's measurements on a tiny demo county in the test database (not timed)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from benchmarks import party


@pytest.mark.django_db
def test_party_benchmark_smoke(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--towns", "1", "--villages", "2", "--grids", "1", "--households", "2",
                 verbosity=0)  # fmt: skip
    results = party.measure(runs=2)
    assert results["members"] > 0 and results["organizations"] > 10
    assert results["county_call"]["recipients"] >= results["members"]
    for key in ("indicators", "member_list_api", "organization_tree_page", "call_page",
                "expense_record"):  # fmt: skip
        assert results[key]["median_ms"] > 0
