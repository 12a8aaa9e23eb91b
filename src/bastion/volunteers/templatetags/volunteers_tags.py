"""Template filters of the volunteers pages: times in the reader's language."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.volunteers.services.common import when_text

register = template.Library()

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@register.filter
def task_when(task) -> str:
    """ "12月6日 周六 08:00–12:00" (the end's date too when it is another day)."""
    start = timezone.localtime(task.starts_at)
    day = _(WEEKDAYS[start.weekday()])
    text = when_text(task)
    head, _sep, rest = text.partition(" ")
    return f"{head} {day} {rest}"


@register.filter
def local_moment(value) -> str:
    """A deadline or moment: "12月6日 06:00"."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return _("%(m)d月%(d)d日") % {"m": local.month, "d": local.day} + f" {local:%H:%M}"


@register.filter
def local_day(value) -> str:
    """A date: "12月6日"."""
    if not value:
        return ""
    return _("%(m)d月%(d)d日") % {"m": value.month, "d": value.day}
