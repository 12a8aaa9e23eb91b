"""The command demo's meetings, each with the decisions it took."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from bastion.command.demo.common import local_at

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


def hold_meetings(*, host, today: dt.date) -> list:
    from bastion.command.services.meetings import meeting_record

    meetings = []
    for kind, days_ago, hour, title, place, decisions in MEETINGS:
        held = local_at(today - dt.timedelta(days=days_ago), hour)
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
