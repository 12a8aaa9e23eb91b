"""The command part of the demo county, called by demo/generator.py after the people and
monitoring demo exist: meetings with decisions, directives to the towns in every state (some
overdue), a measure package in two versions with partial read receipts, incidents at each
stage, and a daily form that some units have not filed yet.

Dates are relative to `now`. Everything goes through the command services, acting as the
users who would really do it: the county command issues, each town's duty officer reads,
acknowledges and reports, grid workers report incidents, community officers handle them.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Role
from bastion.geo.models import Level, Region

DEMO_TOWN = "星沙街道"
# Full names of the towns' duty officers (town02 .. town18 in the demo).
OFFICER_NAMES = [
    "王海燕", "刘志刚", "陈丽华", "杨建平", "赵晓东", "黄春梅", "周国庆", "吴秀兰", "徐卫平",
    "孙立军", "马玉芳", "朱红霞", "胡建新", "郭小平", "何丽娟", "林志明", "高秋菊", "罗建军",
]  # fmt: skip

MEETINGS = [
    (
        "standing_committee",
        5,
        9,
        "县委常委会（扩大）会议：研究部署新冠肺炎疫情防控工作",
        "县委常委会议室",
        [
            ("在全县开展地毯式排查，做到不漏一户、不漏一人", "各镇街", 1),
            ("各镇街成立一线临时党支部，党员干部下沉网格", "县委组织部", 2),
            ("建立每日视频调度制度", "县指挥部办公室", None),
        ],
    ),
    (
        "video_dispatch",
        1,
        20,
        "全县疫情防控视频调度会（第8次）",
        "县指挥部视频会议室",
        [
            ("严格落实“六条措施”，每日报送卡口值守情况", "各镇街", 1),
            ("做好返岗人员健康监测，发现症状立即上报", "各镇街", 3),
        ],
    ),
    (
        "special_topic",
        2,
        15,
        "防疫物资保障专题会",
        "县指挥部302会议室",
        [
            ("口罩、消毒液按需求优先保障一线卡口和社区", "县物资保障组", 1),
            ("公开捐赠物资去向，接受社会监督", "县物资保障组", None),
        ],
    ),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _officers(*, towns: list[Region]) -> tuple[dict[int, object], list]:
    """A duty officer (town officer role) for each town; the demo `town` login already serves
    星沙街道. Returns {town id: user} and one summary DemoLogin row."""
    from django.contrib.auth import get_user_model

    from bastion.demo.users import DEMO_PASSWORD, DemoLogin, demo_user_with_role

    users = get_user_model().objects
    officers: dict[int, object] = {}
    created = []
    for n, town in enumerate(towns, start=1):
        if town.name == DEMO_TOWN and users.filter(username="town").exists():
            officers[town.pk] = users.get(username="town")
            continue
        username = f"town{n:02d}"
        if demo_user_with_role(
            username=username,
            full_name=OFFICER_NAMES[(n - 1) % len(OFFICER_NAMES)],
            role=Role.TOWN_OFFICER,
            region=town,
        ):
            created.append(username)
        officers[town.pk] = users.get(username=username)
    if not created:
        return officers, []
    label = f"{created[0]} … {created[-1]}" if len(created) > 1 else created[0]
    note = _("其余各镇街的值班干部，各管本镇街")
    return officers, [
        DemoLogin(label, DEMO_PASSWORD, Role(Role.TOWN_OFFICER).label, _("各镇街"), note)
    ]


def _meetings(*, host, today: dt.date) -> list:
    from bastion.command.services.meetings import meeting_record

    meetings = []
    for kind, days_ago, hour, title, place, decisions in MEETINGS:
        held = _at(today - dt.timedelta(days=days_ago), hour)
        meetings.append(
            meeting_record(
                actor=None,
                host=host,
                kind=kind,
                title=title,
                held_at=held,
                place=place,
                chair="县委书记",
                attendees="县委常委\n县指挥部各工作组组长\n各镇街党（工）委书记",
                summary=_("会议通报了全县疫情形势，对下一阶段防控工作作出部署。"),
                decisions=[
                    {
                        "text": text,
                        "owner": owner,
                        "due_on": (held + dt.timedelta(days=due)).date() if due else None,
                    }
                    for text, owner, due in decisions
                ],
            )
        )
    return meetings


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


def _directives(*, host, towns, officers, meetings, now: dt.datetime) -> None:
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


def _town_directive(*, town, officer, communities, now) -> None:
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


def _notices(*, host, towns, officers, now: dt.datetime, rng: random.Random) -> None:
    from bastion.command.services.notices import notice_mark_read, notice_publish, notice_revise

    keys = [f"region:{t.code}" for t in towns]
    measures = notice_publish(
        actor=None,
        issuer=host,
        kind="measure",
        title=_("疫情防控“六条措施”"),
        body=_(
            "一、严格卡口管控，进出人员一律测温登记。\n二、实行小区（村组）封闭管理。\n"
            "三、落实居家观察人员“五包一”责任。\n四、暂停聚集性活动。\n"
            "五、公共场所每日消毒。\n六、党员干部下沉一线，包片包户。"
        ),
        targets=keys,
        now=now - dt.timedelta(days=4),
    )
    readers_v1 = towns[: len(towns) * 3 // 4]
    for town in readers_v1:
        notice_mark_read(actor=officers[town.pk], notice=measures, now=now - dt.timedelta(days=3))
    notice_revise(
        actor=None,
        notice=measures,
        body=measures.versions.get(number=1).body + _("\n（补充）七、复工企业实行员工健康码管理。"),
        change_note=_("增加复工企业管理要求"),
        now=now - dt.timedelta(days=2),
    )
    measures.refresh_from_db()
    for town in towns[: len(towns) // 2]:
        notice_mark_read(actor=officers[town.pk], notice=measures, now=now - dt.timedelta(days=1))
    guide = notice_publish(
        actor=None,
        issuer=host,
        kind="guide",
        title=_("居家观察工作指南（第二版）"),
        body=_("居家观察对象每日测温两次，由“五包一”责任组跟踪随访……"),
        targets=keys,
        now=now - dt.timedelta(days=1),
    )
    for town in rng.sample(towns, k=max(1, len(towns) * 3 // 5)):
        notice_mark_read(actor=officers[town.pk], notice=guide, now=now - dt.timedelta(hours=5))
    notice_publish(
        actor=None,
        issuer=host,
        kind="notice",
        title=_("关于进一步加强网格化管理的通知"),
        body=_("各镇街要把网格作为防控的基本单元，网格员每天巡查责任网格……"),
        targets=keys,
        now=now - dt.timedelta(hours=3),
    )


def _incidents(*, county, users, now: dt.datetime, rng: random.Random) -> None:
    from bastion.command.services import incidents as service

    grids = list(
        Region.objects.filter(path__startswith=county.path, level=Level.GRID).order_by("path")[:40]
    )
    if not grids:
        return
    grid_user = users.get("grid")
    community_user = users.get("community")
    plans = [
        # kind, grade, stage, hours ago, description, place
        (
            "symptomatic_person",
            "general",
            "reported",
            1,
            _("入户走访发现一名居民发热37.8℃，伴咳嗽"),
            _("3栋2单元"),
        ),
        (
            "venue_violation",
            "simple",
            "reported",
            2,
            _("麻将馆违规开门营业，聚集十余人"),
            _("临街门面"),
        ),
        (
            "risk_area_arrival",
            "simple",
            "reported",
            3,
            _("一户家中来了两名外地亲戚，未登记"),
            _("村民组"),
        ),
        (
            "supplies_shortage",
            "general",
            "registered",
            5,
            _("卡口测温枪电池不足，口罩仅够一天"),
            _("高速出口卡口"),
        ),
        ("other", "simple", "registered", 6, _("小区门岗夜间无人值守"), _("小区北门")),
        ("venue_violation", "simple", "dispatched", 30, _("超市未对进店人员测温"), _("社区超市")),
        (
            "risk_area_arrival",
            "simple",
            "dispatched_overdue",
            52,
            _("有人员从外省返回，未按要求报告"),
            _("出租屋"),
        ),
        (
            "supplies_shortage",
            "general",
            "dispatched_extension",
            40,
            _("消毒液库存告急"),
            _("村委会"),
        ),
        (
            "symptomatic_person",
            "general",
            "handled",
            26,
            _("居家观察对象出现乏力症状"),
            _("居民家中"),
        ),
        ("other", "simple", "handled", 20, _("垃圾清运不及时，存在卫生隐患"), _("垃圾站")),
        ("venue_violation", "simple", "closed", 70, _("网吧违规营业"), _("沿街商铺")),
        ("risk_area_arrival", "simple", "closed_late", 90, _("租户返回未登记"), _("出租屋")),
        ("other", "simple", "archived", 120, _("小区内有人聚集打牌"), _("小区广场")),
        ("other", "simple", "dismissed", 48, _("重复上报：同一麻将馆"), _("临街门面")),
    ]
    deadline_hours = {"dispatched_overdue": 12, "closed_late": 12, "dispatched": 72}
    grid_user_grid = None
    if grid_user is not None:
        paths = [a.region_path for a in grid_user.roles.all()]
        grid_user_grid = Region.objects.filter(path__in=paths, level=Level.GRID).first()
    for n, (kind, grade, stage, hours, description, place) in enumerate(plans):
        grid = grids[(n * 7) % len(grids)]
        reporter = None
        if grid_user_grid is not None and n % 3 == 0:
            reporter, grid = grid_user, grid_user_grid
        reported = now - dt.timedelta(hours=hours)
        incident = service.incident_report(
            actor=reporter,
            kind=kind,
            grade=grade,
            region=grid,
            description=description,
            place=place,
            source="demo",
            source_ref=f"demo-{n}",
            now=reported,
        )
        at = reported + dt.timedelta(minutes=30)
        receiver = community_user
        if receiver is not None and not service.can_receive(receiver, incident):
            receiver = None
        if stage == "reported":
            continue
        if stage == "dismissed":
            service.incident_dismiss(
                actor=receiver, incident=incident, reason=_("与此前上报的事件重复"), now=at
            )
            continue
        incident = service.incident_register(actor=receiver, incident=incident, now=at)
        if stage == "registered":
            continue
        at += dt.timedelta(hours=1)
        incident = service.incident_dispatch(
            actor=receiver,
            incident=incident,
            handler=f"region:{incident.receiving_region.code}",
            deadline=at + dt.timedelta(hours=deadline_hours.get(stage, 48)),
            note=_("请于期限内处置并反馈"),
            now=at,
        )
        if stage == "dispatched_extension":
            service.incident_extension_request(
                actor=None,
                incident=incident,
                deadline=incident.deadline + dt.timedelta(hours=24),
                reason=_("等待县物资保障组调拨"),
                now=at + dt.timedelta(hours=3),
            )
        if stage.startswith("dispatched"):
            continue
        handled_at = at + dt.timedelta(hours=20 if stage == "closed_late" else 6)
        incident = service.incident_handle(
            actor=None,
            incident=incident,
            note=_("已到现场处置，责令整改并登记，情况已核实。"),
            now=handled_at,
        )
        if stage == "handled":
            continue
        incident = service.incident_verify(
            actor=None,
            incident=incident,
            note=_("经回访核实，处置到位"),
            now=handled_at + dt.timedelta(hours=2),
        )
        if stage == "archived":
            service.incident_archive(
                actor=None, incident=incident, now=handled_at + dt.timedelta(hours=3)
            )


def _daily_form(*, county, now: dt.datetime, rng: random.Random) -> None:
    from bastion.command.services.dailyforms import daily_form_create, daily_report_file

    fields = [
        {
            "code": "epidemic_meetings",
            "label": _("召开疫情防控专题会议次数"),
            "kind": "integer",
            "max_value": 50,
        },
        {
            "code": "volunteer_shifts",
            "label": _("组织党员志愿者值守班次"),
            "kind": "integer",
            "max_value": 500,
        },
        {
            "code": "other_matters",
            "label": _("需要报告的其他情况"),
            "kind": "text",
            "required": False,
        },
    ]
    try:
        form = daily_form_create(
            actor=None,
            region=county,
            name=_("村（社区）每日防控工作情况"),
            description=_(
                "只填系统里没有的数字：会议、值守班次。走访、观察、物资等由系统自动统计。"
            ),
            levels=[Level.VILLAGE, Level.COMMUNITY],
            deadline_hour=18,
            fields=fields,
        )
    except ValidationError:
        return  # another app now computes one of these figures: nothing to ask for
    units = list(
        Region.objects.filter(path__startswith=county.path, level__in=form.levels).order_by("path")
    )
    today = timezone.localdate(now)
    for unit in units:
        if rng.random() > 0.6:
            continue
        filed = _at(today, rng.choice([8, 9, 10, 11, 14, 16, 17, 19]), rng.randrange(60))
        if filed > now:
            filed = now - dt.timedelta(minutes=rng.randrange(5, 90))
        daily_report_file(
            actor=None,
            form=form,
            region=unit,
            values={
                "epidemic_meetings": rng.randint(0, 2),
                "volunteer_shifts": rng.randint(2, 12),
                "other_matters": "",
            },
            now=filed,
        )


def seed_command(*, rng: random.Random, county: Region, now: dt.datetime) -> list:
    """Seed the demo's command records; return DemoLogin rows for any demo users created."""
    from django.contrib.auth import get_user_model

    from bastion.command.services.deadlines import (
        directive_escalations_send,
        incident_escalations_send,
    )
    from bastion.command.units import region_unit

    towns = list(Region.objects.filter(parent=county).order_by("path"))
    if not towns:
        return []
    officers, logins = _officers(towns=towns)
    host = region_unit(county)
    meetings = _meetings(host=host, today=timezone.localdate(now))
    _directives(host=host, towns=towns, officers=officers, meetings=meetings, now=now)
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["grid", "community", "town"])
    }
    demo_town = next((t for t in towns if t.name == DEMO_TOWN), towns[0])
    communities = list(Region.objects.filter(parent=demo_town).order_by("path"))
    if "town" in users:
        _town_directive(town=demo_town, officer=users["town"], communities=communities, now=now)
    _notices(host=host, towns=towns, officers=officers, now=now, rng=rng)
    _incidents(county=county, users=users, now=now, rng=rng)
    _daily_form(county=county, now=now, rng=rng)
    # What the periodic jobs would have sent by now.
    directive_escalations_send(now=now)
    incident_escalations_send(now=now)
    return logins
