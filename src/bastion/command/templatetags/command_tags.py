"""Template helpers of the command pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template ({{ totals|get_item:field.code }}); None when absent."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
