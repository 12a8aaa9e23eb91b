"""Periodic jobs of campaigns. Nothing a page shows depends on them."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="3", minute="20"))
def purge_old_checkins() -> int:
    """Daily: venue check-ins past the retention period are deleted (audited)."""
    from bastion.campaigns.services.checkins import checkins_purge

    return checkins_purge()
