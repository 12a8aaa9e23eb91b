"""Reminders before a deadline and escalation after it, for directives and incidents.

These only send notifications: what a page shows (overdue, due soon) is derived from the
deadline when read. `reminded_at` / `escalated_at` record that the message went out, and
are set with a conditional update so a job running twice tells nobody twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.services import notify
from bastion.command.models import (
    Directive,
    DirectiveEvent,
    DirectiveStatus,
    DirectiveTarget,
    Incident,
    IncidentAction,
    IncidentLogEntry,
    IncidentStatus,
    TargetAction,
    TargetStatus,
)
from bastion.command.services.common import actor_name, now_or
from bastion.command.services.directives import MAX_REMIND_HOURS, directive_link, target_link
from bastion.command.units import Unit, own_users, region_unit, stored_unit, users_answering

# Incidents: remind the handler this long before the deadline.
INCIDENT_REMIND_HOURS = 4


def directive_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Tell the units of open targets whose deadline is within the directive's
    `remind_hours`; returns how many targets were reminded."""
    now = now_or(now)
    # Directives whose reminder window is open (few), then their open targets.
    window = Directive.objects.filter(
        status=DirectiveStatus.ACTIVE,
        remind_hours__gt=0,
        deadline__gt=now,
        deadline__lte=now + dt.timedelta(hours=MAX_REMIND_HOURS),
    ).only("pk", "deadline", "remind_hours")
    opened = [d.pk for d in window if d.deadline - dt.timedelta(hours=d.remind_hours) <= now]
    due = (
        DirectiveTarget.objects.filter(directive_id__in=opened, reminded_at__isnull=True)
        .exclude(status=TargetStatus.DONE)
        .select_related("directive")
    )
    sent = 0
    by_directive: dict[int, list[DirectiveTarget]] = defaultdict(list)
    for target in due:
        by_directive[target.directive_id].append(target)
    for targets in by_directive.values():
        directive = targets[0].directive
        issuer = stored_unit(directive, "issuer")
        users = users_answering([stored_unit(t) for t in targets], issuer=issuer)
        deadline = timezone.localtime(directive.deadline)
        for target in targets:
            with transaction.atomic():
                if not DirectiveTarget.objects.filter(
                    pk=target.pk, reminded_at__isnull=True
                ).update(reminded_at=now):
                    continue
                DirectiveEvent.objects.create(
                    target=target,
                    action=TargetAction.REMIND,
                    actor_name=actor_name(None),
                    at=now,
                    note=deadline.strftime("%Y-%m-%d %H:%M"),
                )
                title = _("指令即将到期（%(deadline)s）：%(title)s") % {
                    "deadline": deadline.strftime("%m-%d %H:%M"),
                    "title": directive.title,
                }
                for user in users[target.unit_key]:
                    notify(recipient=user, title=title, link=target_link(target), level="warning")
            sent += 1
    return sent


def directive_escalations_send(*, now: dt.datetime | None = None) -> int:
    """Tell the issuing level, once per target, about targets still open after the deadline;
    one message per directive lists the units. Returns how many targets were escalated."""
    now = now_or(now)
    overdue = (
        DirectiveTarget.objects.filter(
            directive__status=DirectiveStatus.ACTIVE,
            escalated_at__isnull=True,
            directive__deadline__lte=now,
        )
        .exclude(status=TargetStatus.DONE)
        .select_related("directive", "directive__issued_by")
        .order_by("directive_id", "region_path", "org_path")
    )
    by_directive: dict[int, list[DirectiveTarget]] = defaultdict(list)
    for target in overdue:
        by_directive[target.directive_id].append(target)
    escalated = 0
    for targets in by_directive.values():
        directive: Directive = targets[0].directive
        names = []
        with transaction.atomic():
            for target in targets:
                if not DirectiveTarget.objects.filter(
                    pk=target.pk, escalated_at__isnull=True
                ).update(escalated_at=now):
                    continue
                DirectiveEvent.objects.create(
                    target=target,
                    action=TargetAction.ESCALATE,
                    actor_name=actor_name(None),
                    at=now,
                )
                names.append(target.unit_name)
            if not names:
                continue
            recipients = _issuer_users(directive)
            title = _("指令逾期未完成：%(title)s（%(n)d 个单位）") % {
                "title": directive.title,
                "n": len(names),
            }
            body = "、".join(names)
            for user in recipients:
                notify(
                    recipient=user,
                    title=title,
                    body=body,
                    link=directive_link(directive),
                    level="danger",
                )
        escalated += len(names)
    return escalated


def _issuer_users(directive: Directive) -> list:
    issuer = stored_unit(directive, "issuer")
    users = {u.pk: u for u in users_answering([issuer], perm=Perm.DIRECTIVE_ISSUE)[issuer.key]}
    if directive.issued_by is not None and directive.issued_by.is_active:
        users.setdefault(directive.issued_by.pk, directive.issued_by)
    return list(users.values())


# --- Incidents ----------------------------------------------------------------------------


def _incident_link(incident: Incident) -> str:
    return reverse("command:incident_detail", args=[incident.public_id])


def _log(incident: Incident, action: str, now: dt.datetime, note: str = "") -> None:
    IncidentLogEntry.objects.create(
        incident=incident,
        action=action,
        from_status=incident.status,
        to_status=incident.status,
        actor_name=actor_name(None),
        at=now,
        note=note,
    )


def _users_of_units():
    """own_users(unit) memoised for one job run (many incidents share a unit)."""
    found: dict[str, list] = {}

    def users(unit: Unit) -> list:
        if unit.key not in found:
            found[unit.key] = own_users(unit, perm=Perm.INCIDENT_HANDLE)
        return found[unit.key]

    return users


def incident_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Tell the handling unit about incidents whose deadline is within INCIDENT_REMIND_HOURS."""
    now = now_or(now)
    due = Incident.objects.filter(
        status=IncidentStatus.DISPATCHED,
        reminded_at__isnull=True,
        deadline__gt=now,
        deadline__lte=now + dt.timedelta(hours=INCIDENT_REMIND_HOURS),
    ).select_related("kind")
    sent = 0
    users_of = _users_of_units()
    for incident in due:
        handler = stored_unit(incident, "handler")
        with transaction.atomic():
            if not Incident.objects.filter(pk=incident.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            _log(incident, IncidentAction.REMIND, now)
            title = _("事件即将到期：%(number)s %(kind)s") % {
                "number": incident.number,
                "kind": incident.kind.name_zh,
            }
            for user in users_of(handler):
                notify(recipient=user, title=title, link=_incident_link(incident), level="warning")
        sent += 1
    return sent


def incident_escalations_send(*, now: dt.datetime | None = None) -> int:
    """Tell the receiving level, once, about dispatched incidents past their deadline."""
    now = now_or(now)
    overdue = Incident.objects.filter(
        status=IncidentStatus.DISPATCHED, escalated_at__isnull=True, deadline__lte=now
    ).select_related("kind", "receiving_region")
    escalated = 0
    users_of = _users_of_units()
    for incident in overdue:
        receiving: Unit = region_unit(incident.receiving_region)
        with transaction.atomic():
            if not Incident.objects.filter(pk=incident.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            _log(incident, IncidentAction.ESCALATE, now, note=incident.handler_name)
            title = _("事件逾期未处置：%(number)s（%(handler)s）") % {
                "number": incident.number,
                "handler": incident.handler_name,
            }
            for user in users_of(receiving):
                notify(recipient=user, title=title, link=_incident_link(incident), level="danger")
        escalated += 1
    return escalated


__all__ = [
    "directive_escalations_send",
    "directive_reminders_send",
    "incident_escalations_send",
    "incident_reminders_send",
]
