"""Template helpers of the party pages: the section tabs, money, states, rates."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm

register = template.Library()

# (label, url name, permission needed anywhere). Members' own logins hold the volunteer
# role (Perm.TASK_CLAIM) at their community (docs/decisions/0021).
TABS = [
    (_("概览"), "party:home", Perm.PARTY_VIEW),
    (_("组织"), "party:organizations", Perm.PARTY_VIEW),
    (_("党员"), "party:members", Perm.PARTY_VIEW),
    (_("报到"), "party:registrations", Perm.PARTY_VIEW),
    (_("队伍"), "party:teams", Perm.PARTY_VIEW),
    (_("责任区·先锋岗"), "party:zones", Perm.PARTY_VIEW),
    (_("联点小组"), "party:liaison", Perm.PARTY_VIEW),
    (_("干部观察"), "party:cadres", Perm.CADRE_OBSERVE),
    (_("号召"), "party:calls", Perm.PARTY_VIEW),
    (_("党费"), "party:fees", Perm.PARTY_VIEW),
    (_("先进典型"), "party:exemplars", Perm.PARTY_VIEW),
    (_("我的报到"), "party:me", Perm.TASK_CLAIM),
]


@register.inclusion_tag("party/_tabs.html", takes_context=True)
def party_tabs(context, current: str = ""):
    """The party sections the signed-in user may open."""
    request = context.get("request")
    user = getattr(request, "user", None)
    tabs = []
    for label, name, perm in TABS:
        if user is None or not has_perm(user, perm):
            continue
        tabs.append({"label": label, "url": reverse(name), "current": name == current})
    return {"tabs": tabs}


@register.filter
def yuan(value) -> str:
    """1060000 -> '1,060,000.00'."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value:g}%"


@register.filter
def signed_yuan(value) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    return f"{'+' if value > 0 else '−' if value < 0 else ''}{abs(value):,.2f}"
