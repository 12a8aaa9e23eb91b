"""The command demo's notices: a measure package in two versions with partial read
receipts, a guide and a notice."""

from __future__ import annotations

import datetime as dt
import random

from django.utils.translation import gettext as _


def publish_notices(*, host, towns, officers, now: dt.datetime, rng: random.Random) -> None:
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
