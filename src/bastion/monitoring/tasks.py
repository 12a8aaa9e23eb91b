"""Periodic jobs of monitoring. Pages never depend on them: due, overdue and missed are
computed at read time; these jobs only raise the missed alerts and send escalations.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="5"))
def raise_missed_alerts() -> int:
    """Hourly: a `missed` alert for each observation whose previous day fell short."""
    from bastion.monitoring.services.alerts import missed_alerts_raise

    return missed_alerts_raise()


@db_periodic_task(crontab(minute="*/10"))
def escalate_alerts() -> int:
    """Every 10 minutes: notify the levels newly reached by unacknowledged alerts."""
    from bastion.monitoring.services.alerts import alerts_escalate

    return alerts_escalate()
