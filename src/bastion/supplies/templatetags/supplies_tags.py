"""Quantities and money as people read them: 43,050 个, 1,400.5 千克, ¥411,000.00."""

from __future__ import annotations

from django import template

from bastion.supplies import units

register = template.Library()


@register.filter
def qty(value) -> str:
    """1400.500 -> "1,400.5"."""
    return units.format_quantity(value)


@register.filter
def base_qty(value, item) -> str:
    """A base-unit quantity with the item's base unit: "1,400.5 千克"."""
    if value is None:
        return ""
    return f"{units.format_quantity(value)} {item.base_unit.name_zh}"


@register.filter
def yuan(value) -> str:
    """411000 -> "411,000.00" (empty for None)."""
    return units.format_money(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def make_list_of(value):
    """One object as a one-element list (to reuse list templates)."""
    return [value] if value is not None else []


@register.filter
def who(user) -> str:
    """A staff member's name for a record ("—" when the account is gone)."""
    if user is None:
        return "—"
    return getattr(user, "full_name", "") or getattr(user, "username", "") or "—"
