"""The dashboard's figures: every indicator's value grouped by the app that owns it, the
headline figures, and the indicators a map or chart can be drawn for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404

from bastion.command.selectors.figures import TAG_LABELS
from bastion.core.indicators import Indicator
from bastion.reports import registry
from bastion.reports.dashboard.caching import figure
from bastion.reports.dashboard.where import Where, indicators_for, records_link
from bastion.reports.selectors import localized

# The indicators a grid map can be coloured by (issue 12), in this order when registered.
MAP_INDICATORS = (
    "campaigns_coverage_rate",
    "monitoring_under_observation",
    "monitoring_followups_overdue",
)
# The figures shown first and on the big screen.
HEADLINE = (
    "people",
    "monitoring_under_observation",
    "monitoring_followups_overdue",
    "campaigns_coverage_rate",
    "party_employed_registered",
    "volunteers_registered",
    "supplies_value_in_kind",
    "command_incidents_open",
)


@dataclass
class Figure:
    code: str
    name: str
    unit: str
    value: int | None
    link: str


@dataclass
class Section:
    tag: str
    label: str
    figures: list[Figure] = field(default_factory=list)


# --- Figures -------------------------------------------------------------------------------


def sections(*, user, where: Where, moment: dt.datetime, day: dt.date | None) -> list[Section]:
    """Every indicator's figure, grouped by the app that owns it (its first tag)."""
    scope = where.scope(user)
    groups: dict[str, Section] = {}
    for indicator in indicators_for(where):
        tag = indicator.tags[0] if indicator.tags else "other"
        section = groups.setdefault(tag, Section(tag, str(TAG_LABELS.get(tag, tag))))
        section.figures.append(
            Figure(
                code=indicator.code,
                name=localized(indicator, "name"),
                unit=localized(indicator, "unit"),
                value=figure(indicator, scope, moment),
                link=records_link(indicator.code, where, day),
            )
        )
    return list(groups.values())


def headline(all_sections: list[Section]) -> list[Figure]:
    by_code = {f.code: f for s in all_sections for f in s.figures}
    return [by_code[c] for c in HEADLINE if c in by_code]


def map_indicators() -> list[Indicator]:
    found = registry.all_indicators()
    return [found[c] for c in MAP_INDICATORS if c in found]


def chart_indicator(code: str | None, where: Where) -> Indicator:
    """The indicator a chart is drawn for (default: the first map indicator); Http404 if
    unknown or not shown on this dashboard."""
    allowed = {i.code: i for i in indicators_for(where)}
    if not code:
        for candidate in MAP_INDICATORS:
            if candidate in allowed:
                return allowed[candidate]
        if not allowed:
            raise Http404
        return next(iter(allowed.values()))
    if code not in allowed:
        raise Http404
    return allowed[code]
