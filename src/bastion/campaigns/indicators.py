"""Indicators owned by the campaigns app (see core/indicators.py)."""

from __future__ import annotations

from bastion.core.indicators import Indicator

INDICATORS: list[Indicator] = []
