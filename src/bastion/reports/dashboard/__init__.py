"""Scoped reads for the dashboard, one module per concern: figures grouped by app, a trend
over the days of the response, the figure by sub-region (drill-down) and by grid (the
map). Every value is `indicator.count(scope, as_of)` of a registered indicator (decision
0008), never a figure of its own. Values are cached (decision 0070): a closed past day by
its date, the present by a short time bucket whose start is the figure's as-of moment."""

from bastion.reports.dashboard.caching import day_moment, live_moment
from bastion.reports.dashboard.figures import (
    chart_indicator,
    headline,
    map_indicators,
    sections,
)
from bastion.reports.dashboard.regions import children, grid_map
from bastion.reports.dashboard.trend import trend
from bastion.reports.dashboard.where import (
    breadcrumbs,
    dashboard_where,
    indicators_for,
)
from bastion.reports.selectors import localized

__all__ = [
    "dashboard_where",
    "breadcrumbs",
    "indicators_for",
    "live_moment",
    "day_moment",
    "sections",
    "headline",
    "map_indicators",
    "chart_indicator",
    "trend",
    "children",
    "grid_map",
    "localized",
]
