"""The main navigation, built from what the user may do (a template context processor)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm

# (label, url name, permission needed or None for every signed-in user)
_ITEMS = [
    (_("首页"), "geo:home", None),
    (_("外勤"), "field:home", None),
    (_("今日随访"), "monitoring:today", Perm.PERSON_VIEW),
    (_("观察对象"), "monitoring:observation_list", Perm.PERSON_VIEW),
    (_("预警"), "monitoring:alert_list", Perm.PERSON_VIEW),
    (_("监测"), "monitoring:monitor", Perm.INDICATOR_VIEW),
    (_("排查"), "campaigns:home", Perm.CAMPAIGN_VIEW),
    (_("志愿服务"), "volunteers:home", Perm.VOLUNTEER_VIEW),
    (_("党组织"), "party:home", Perm.PARTY_VIEW),
    # A party member's own login holds the volunteer role at their community.
    (_("我的报到"), "party:me", Perm.TASK_CLAIM),
    (_("物资"), "supplies:home", Perm.SUPPLIES_VIEW),
    (_("指挥调度"), "command:home", Perm.COMMAND_VIEW),
    (_("上报事件"), "command:incident_new", Perm.INCIDENT_REPORT),
    (_("人员"), "people:list", Perm.PERSON_VIEW),
    (_("导入"), "people:import", Perm.PERSON_IMPORT),
    (_("指标"), "reports:index", Perm.INDICATOR_VIEW),
    (_("态势"), "reports:dashboard", Perm.INDICATOR_VIEW),
    (_("工作简报"), "reports:briefing_list", Perm.INDICATOR_VIEW),
    (_("用户"), "access:manage_users", Perm.USER_MANAGE),
    (_("防控策略"), "monitoring:config", Perm.POLICY_MANAGE),
    (_("五包一岗位"), "monitoring:seats", Perm.ASSIGNMENT_MANAGE),
    (_("外勤冲突"), "field:conflicts", Perm.ASSIGNMENT_MANAGE),
    (_("审计日志"), "access:audit", Perm.AUDIT_VIEW),
    (_("消息"), "access:inbox", None),
]


def navigation(request) -> dict:
    """`nav_items`: [(label, url)] the signed-in user may open, in a fixed order."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, perm in _ITEMS:
        if perm is not None and not has_perm(user, perm):
            continue
        try:
            items.append((label, reverse(name)))
        except NoReverseMatch:  # an app that is not installed in this deployment
            continue
    return {"nav_items": items}
