"""Masked display of personal identifiers. Masked forms are what every page shows by default."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """430121199001011234 -> 430121********123X style: keep the division code and last 4."""
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """13812341234 -> 138****1234."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张三丰 -> 张**: for lists shown to people outside the person's own team."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)
