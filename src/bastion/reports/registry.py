"""The indicator registry: collects INDICATORS from each app's indicators module.

Apps never import reports; reports imports them (dependencies point one way).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module

from bastion.core.indicators import Indicator

INDICATOR_MODULES = [
    "bastion.geo.indicators",
    "bastion.people.indicators",
    "bastion.monitoring.indicators",
]


@lru_cache(maxsize=1)
def all_indicators() -> dict[str, Indicator]:
    found: dict[str, Indicator] = {}
    for module_name in INDICATOR_MODULES:
        for indicator in import_module(module_name).INDICATORS:
            if indicator.code in found:
                raise ValueError(f"indicator {indicator.code} is defined twice")
            found[indicator.code] = indicator
    return found


def get_indicator(code: str) -> Indicator | None:
    return all_indicators().get(code)
