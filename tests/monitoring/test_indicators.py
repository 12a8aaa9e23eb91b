"""Monitoring indicators read the same definitions as the monitoring view."""

from __future__ import annotations

import pytest

from bastion.core.indicators import Scope
from bastion.monitoring.selectors.monitor import monitor_counts
from bastion.reports.registry import all_indicators
from tests.monitoring.test_monitor import BEFORE_CUTOFF, scene  # noqa: F401 (fixture)

CODES = {
    "monitoring_under_observation": "under",
    "monitoring_new_today": "new",
    "monitoring_released_today": "released",
    "monitoring_followups_due": "due",
    "monitoring_followups_done": "done",
    "monitoring_followups_overdue": "overdue",
    "monitoring_abnormal_today": "abnormal",
    "monitoring_fever_alerts_open": "fever_alerts",
    "monitoring_services_open": "services",
}


def test_indicators_are_registered():
    assert set(CODES) <= set(all_indicators())


@pytest.mark.parametrize("persona", ["command", "town", "gridworker", "outsider"])
def test_indicator_values_match_the_view(scene, county, persona):  # noqa: F811
    user = getattr(county, persona)
    scope = Scope(user=user)
    totals = monitor_counts(user=user, now=BEFORE_CUTOFF)["totals"]
    for code, key in CODES.items():
        indicator = all_indicators()[code]
        assert indicator.count(scope, BEFORE_CUTOFF) == totals[key], code
        assert indicator.records(scope, BEFORE_CUTOFF).count() == totals[key], code


def test_under_observation_breakdown_by_category(scene, county):  # noqa: F811
    indicator = all_indicators()["monitoring_under_observation"]
    rows = {
        code: n for code, _, n in indicator.breakdown(Scope(user=county.command), BEFORE_CUTOFF)
    }
    assert rows["returnee"] == 4
    assert sum(rows.values()) == 4


def test_indicator_narrowed_to_a_region(scene, county):  # noqa: F811
    indicator = all_indicators()["monitoring_under_observation"]
    scope = Scope(user=county.command, region_path=county.town_b.path)
    assert indicator.count(scope, BEFORE_CUTOFF) == 1
