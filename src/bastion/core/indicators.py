"""The shape of an indicator: one named figure, defined once by the app that owns its data.

Apps list their indicators in `<app>/indicators.py` as `INDICATORS`; `reports.registry`
collects them. An indicator answers two questions for a scope and an as-of date:
how many (`count`) and which records (`records`), so every figure is traceable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a figure is computed: the user's visible records, optionally narrowed to a
    region path, or (for figures about party organizations) to an organization path.
    Indicators whose records carry no organization path ignore `org_path`."""

    user: Any
    region_path: str | None = None
    org_path: str | None = None
    # A dict the caller passes when it evaluates many indicators of one scope and moment
    # at once (the dashboard): indicators that share an expensive computation may keep it
    # here for the duration of that evaluation. Never kept between requests.
    memo: dict | None = field(default=None, compare=False, hash=False)


RecordsFn = Callable[[Scope, dt.datetime], QuerySet]


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    description: Any  # a lazy Chinese msgid (gettext_lazy): shown in the reader's language
    records: RecordsFn
    # Optional faster count; defaults to records(...).count().
    count_fn: Callable[[Scope, dt.datetime], int] | None = None
    # Breakdowns: label -> records function, for "people by tag", "regions by level".
    breakdown: Callable[[Scope, dt.datetime], list[tuple[str, str, int]]] | None = None
    # Optional grouped form for the bars and the map: the value for each of `regions`
    # (disjoint subtrees under scope.region_path), keyed by region path, in one evaluation. It must equal
    # count(Scope(user, region.path), as_of) for every region.
    by_region: Callable[[Scope, dt.datetime, list[Any]], dict[str, int]] | None = None
    record_view: str = ""  # URL name of the page that lists one record, for drill-down
    tags: tuple[str, ...] = field(default_factory=tuple)

    def count(self, scope: Scope, as_of: dt.datetime) -> int:
        if self.count_fn is not None:
            return self.count_fn(scope, as_of)
        return self.records(scope, as_of).count()


@lru_cache(maxsize=1)
def all_indicators() -> dict[str, Indicator]:
    """Every registered indicator by code, from the modules in BASTION_INDICATOR_MODULES.

    The registry lives in core (the modules are named in settings) so that any app can
    read other apps' figures (a unit's daily figures in `command`) without importing them.
    """
    from django.conf import settings

    found: dict[str, Indicator] = {}
    for module_name in settings.BASTION_INDICATOR_MODULES:
        for indicator in import_module(module_name).INDICATORS:
            if indicator.code in found:
                raise ValueError(f"indicator {indicator.code} is defined twice")
            found[indicator.code] = indicator
    return found


def get_indicator(code: str) -> Indicator | None:
    return all_indicators().get(code)
