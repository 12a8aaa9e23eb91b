"""The morning briefing: a periodic job writes the draft briefing of the day before for
each configured region at BASTION_BRIEFING_HOUR local time. Staff edit and publish it."""

from __future__ import annotations

import datetime as dt
import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

logger = logging.getLogger("bastion.reports")


def morning_briefings(now: dt.datetime | None = None) -> int:
    """If it is the configured hour (local), draft yesterday's briefings; returns how many."""
    from django.conf import settings
    from django.utils import timezone

    from bastion.reports.services import scheduled_briefings

    local = timezone.localtime(now or timezone.now())
    if local.hour != int(settings.BASTION_BRIEFING_HOUR):
        return 0
    day = local.date() - dt.timedelta(days=1)
    written = scheduled_briefings(day=day, codes=settings.BASTION_BRIEFING_REGIONS or None)
    logger.info("morning briefings of %s: %d drafts", day.isoformat(), len(written))
    return len(written)


@db_periodic_task(crontab(minute="5"))
def morning_briefing_job() -> int:
    """Every hour at :05; acts only in the configured hour."""
    return morning_briefings()
