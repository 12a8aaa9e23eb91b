"""The indicator registry, as the reports app reads it (defined in core.indicators)."""

from __future__ import annotations

from bastion.core.indicators import all_indicators, get_indicator

__all__ = ["all_indicators", "get_indicator"]
