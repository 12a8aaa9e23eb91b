"""Periodic jobs of the command app. They only send notifications (reminders before a
deadline, escalations after it); every page derives "overdue" from the deadline itself, so
nothing depends on these having run."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/15"))
def remind_directives() -> int:
    """Every 15 minutes: remind units of open targets whose deadline is near."""
    from bastion.command.services.deadlines import directive_reminders_send

    return directive_reminders_send()


@db_periodic_task(crontab(minute="*/15"))
def escalate_directives() -> int:
    """Every 15 minutes: tell the issuing level about targets past their deadline."""
    from bastion.command.services.deadlines import directive_escalations_send

    return directive_escalations_send()


@db_periodic_task(crontab(minute="*/15"))
def remind_incidents() -> int:
    from bastion.command.services.deadlines import incident_reminders_send

    return incident_reminders_send()


@db_periodic_task(crontab(minute="*/15"))
def escalate_incidents() -> int:
    from bastion.command.services.deadlines import incident_escalations_send

    return incident_escalations_send()
