"""The command demo's directives: the county's to the towns in every state (some overdue,
one completed late), and one town's to its communities."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _


def _walk(target, officer, steps: list[str], at: dt.datetime) -> None:
    """Take a target through `steps` (read, acknowledge, progress, done) an hour apart."""
    from bastion.command.services import directives as service

    moment = at
    for step in steps:
        moment += dt.timedelta(hours=1)
        if step == "read":
            service.directive_target_read(actor=officer, target=target, now=moment)
        elif step == "acknowledge":
            service.directive_target_acknowledge(actor=officer, target=target, now=moment)
        elif step == "progress":
            service.directive_target_progress(
                actor=officer, target=target, note=_("已完成约六成，正在推进"), now=moment
            )
        elif step == "done":
            service.directive_target_complete(
                actor=officer,
                target=target,
                report=_("已按要求完成，台账已建立，详见附件材料。"),
                now=moment,
            )


STATES = {
    "sent": [],
    "read": ["read"],
    "acknowledged": ["read", "acknowledge"],
    "in_progress": ["read", "acknowledge", "progress"],
    "done": ["read", "acknowledge", "progress", "done"],
}


def issue_directives(*, host, towns, officers, meetings, now: dt.datetime) -> None:
    from bastion.command.models import TargetStatus
    from bastion.command.services.directives import directive_issue

    keys = [f"region:{t.code}" for t in towns]
    plans = [
        # (title, content, priority, issued hours ago, deadline hours from now, decision, mix)
        (
            _("开展地毯式排查，做到不漏一户、不漏一人"),
            _("各镇街组织网格员、党员干部逐户上门排查，登记返乡人员和健康状况，排查结果录入系统。"),
            "critical",
            96,
            -20,
            meetings[0].decisions.get(number=1),
            ["done"] * 11 + ["in_progress"] * 3 + ["acknowledged"] * 2 + ["read", "sent"],
        ),
        (
            _("严格落实“六条措施”，每日报送卡口值守情况"),
            _("各卡口24小时值守，对进入人员一律测温登记；每天18时前报送值守情况。"),
            "urgent",
            14,
            30,
            meetings[1].decisions.get(number=1),
            ["done"] * 5 + ["in_progress"] * 5 + ["acknowledged"] * 4 + ["read"] * 2 + ["sent"] * 2,
        ),
        (
            _("做好返岗人员健康监测"),
            _("对节后返岗人员实行14天健康监测，发现发热等症状立即上报并落实隔离措施。"),
            "normal",
            2,
            72,
            meetings[1].decisions.get(number=2),
            ["read"] * 3 + ["sent"] * 15,
        ),
    ]
    for title, content, priority, ago, ahead, decision, mix in plans:
        issued = now - dt.timedelta(hours=ago)
        directive = directive_issue(
            actor=None,
            issuer=host,
            title=title,
            content=content,
            priority=priority,
            deadline=now + dt.timedelta(hours=ahead),
            targets=keys,
            decision=decision,
            now=issued,
        )
        targets = {t.region_id: t for t in directive.targets.all()}
        for town, state in zip(towns, mix + ["sent"] * len(towns), strict=False):
            target = targets[town.pk]
            _walk(target, officers[town.pk], STATES[state], issued)
        # A late completion: one town finished after the deadline of the overdue directive.
        if ahead < 0:
            late = directive.targets.filter(status=TargetStatus.IN_PROGRESS).first()
            if late is not None:
                officer = officers[late.region_id]
                from bastion.command.services.directives import directive_target_complete

                directive_target_complete(
                    actor=officer,
                    target=late,
                    report=_("已完成排查，因山区农户分散略有延误。"),
                    now=now - dt.timedelta(hours=2),
                )


def issue_town_directive(*, town, officer, communities, now) -> None:
    """星沙街道 orders its communities (its own officers are the demo `community` login)."""
    from bastion.command.services.directives import directive_issue
    from bastion.command.units import region_unit

    if not communities:
        return
    directive_issue(
        actor=officer,
        issuer=region_unit(town),
        title=_("组织党员志愿者协助卡口和小区门岗值守"),
        content=_("各社区组织在职党员、志愿者每天分两班协助值守，名单报街道。"),
        priority="urgent",
        deadline=now + dt.timedelta(hours=20),
        targets=[f"region:{c.code}" for c in communities],
        now=now - dt.timedelta(hours=6),
    )
