"""The command demo's incidents, reported in grids and taken to each stage of their
handling."""

from __future__ import annotations

import datetime as dt
import random

from django.utils.translation import gettext as _

from bastion.geo.models import Level, Region


def report_incidents(*, county, users, now: dt.datetime, rng: random.Random) -> None:
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
