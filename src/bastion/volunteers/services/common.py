"""Helpers shared by the volunteers services: permission guards, links, notices."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.services import notify
from bastion.volunteers.models import Claim, ClaimStatus, Task
from bastion.volunteers.selectors.tasks import task_can_lead, task_can_manage, visible_q


def is_system(actor) -> bool:
    """The demo generator and management commands act with actor None or as a superuser."""
    return actor is None or getattr(actor, "is_superuser", False)


def require_task_visible(actor, task: Task) -> None:
    """Http404 unless the actor may see the task at all."""
    if is_system(actor):
        return
    q = visible_q(actor)
    if q is not None and not Task.objects.filter(q, pk=task.pk).exists():
        raise Http404


def require_manage(actor, task: Task) -> None:
    """Out of sight: 404; in sight but not a publisher there: 403."""
    if task_can_manage(actor, task):
        return
    require_task_visible(actor, task)
    raise PermissionDenied(_("只有任务发布方可以进行此操作"))


def require_lead(actor, task: Task) -> None:
    if task_can_lead(actor, task):
        return
    require_task_visible(actor, task)
    raise PermissionDenied(_("只有任务负责人或发布方可以进行此操作"))


def task_link(task: Task) -> str:
    return reverse("volunteers:task_detail", args=[task.public_id])


def when_text(task: Task) -> str:
    """ "2月8日 08:00–12:00" in local time (the end's date too when it is another day)."""
    start = timezone.localtime(task.starts_at)
    end = timezone.localtime(task.ends_at)
    day = _("%(m)d月%(d)d日") % {"m": start.month, "d": start.day}
    if end.date() != start.date():
        end_day = _("%(m)d月%(d)d日") % {"m": end.month, "d": end.day}
        return f"{day} {start:%H:%M}–{end_day} {end:%H:%M}"
    return f"{day} {start:%H:%M}–{end:%H:%M}"


def notify_claim(claim: Claim, *, title: str, body: str = "", level: str = "info", actor=None):
    """Tell the volunteer behind a claim (when they have a login and are not the actor)."""
    if claim.user_id is None or claim.user_id == getattr(actor, "pk", None):
        return
    notify(recipient=claim.user, title=title, body=body, link=task_link(claim.task), level=level)


def notify_active_claims(task: Task, *, title: str, body: str, level: str, actor=None) -> int:
    """Tell everyone holding or waiting for a slot; returns how many were told."""
    told = 0
    claims = task.claims.filter(status__in=(ClaimStatus.CLAIMED, ClaimStatus.WAITING))
    for claim in claims.select_related("user"):
        if claim.user_id is None or claim.user_id == getattr(actor, "pk", None):
            continue
        claim.task = task
        notify_claim(claim, title=title, body=body, level=level, actor=actor)
        told += 1
    return told


def notify_task_staff(task: Task, *, title: str, body: str = "", actor=None) -> int:
    """Tell the task's publisher and leader (each once, never the actor); returns how many."""
    actor_id = getattr(actor, "pk", None)
    staff = {user.pk: user for user in (task.created_by, task.leader) if user is not None}
    told = [u for pk, u in staff.items() if pk != actor_id and u.is_active]
    for user in told:
        notify(recipient=user, title=title, body=body, link=task_link(task))
    return len(told)
