"""The command demo's daily form, filed by some of the units it asks and not yet by the
others."""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.command.demo.common import local_at
from bastion.geo.models import Level, Region


def file_daily_form(*, county, now: dt.datetime, rng: random.Random) -> None:
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
        filed = local_at(today, rng.choice([8, 9, 10, 11, 14, 16, 17, 19]), rng.randrange(60))
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
