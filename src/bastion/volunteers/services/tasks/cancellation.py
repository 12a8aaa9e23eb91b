"""Cancelling a task, or every occurrence of a series still to come; claimants are told."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.audit import Action, audit_record
from bastion.volunteers.models import Claim, ClaimStatus, Task, TaskSeries, TaskStatus
from bastion.volunteers.services.common import (
    is_system,
    notify_active_claims,
    require_manage,
    when_text,
)


def task_cancel(*, actor, task: Task, reason: str) -> Task:
    """Cancel a task that has not ended; every claim ends and every claimant is told."""
    require_manage(actor, task)
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ValidationError(
            {"reason": [_("取消原因：请说明取消任务的原因，将通知已认领的志愿者")]}
        )
    if task.status == TaskStatus.CANCELLED:
        return task
    if timezone.now() >= task.ends_at and not is_system(actor):
        raise ValidationError({"task": [_("已结束的任务不能取消")]})
    return _cancel_locked(actor=actor, task=task, reason=reason)


def _cancel_locked(*, actor, task: Task, reason: str) -> Task:
    now = timezone.now()
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.status == TaskStatus.CANCELLED:
            return locked
        notify_active_claims(
            locked,
            title=_("任务已取消：%(t)s（%(w)s）") % {"t": locked.title, "w": when_text(locked)},
            body=reason,
            level="warning",
            actor=actor,
        )
        Claim.objects.filter(
            task=locked, status__in=(ClaimStatus.CLAIMED, ClaimStatus.WAITING)
        ).update(
            status=ClaimStatus.CANCELLED,
            cancelled_at=now,
            cancelled_by=actor if getattr(actor, "is_authenticated", False) else None,
            cancel_reason=_("任务已取消"),
        )
        locked.status = TaskStatus.CANCELLED
        locked.cancelled_at = now
        locked.cancelled_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.cancel_reason = reason
        locked.claimed_count = 0
        locked.waiting_count = 0
        locked.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            changes={"status": [TaskStatus.PUBLISHED, TaskStatus.CANCELLED]},
            reason=reason,
        )
    task.status = locked.status
    return locked


def series_cancel(*, actor, series: TaskSeries, reason: str) -> int:
    """Cancel every occurrence of a series that has not started; returns how many."""
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ValidationError({"reason": [_("取消原因：请说明取消的原因，将通知已认领的志愿者")]})
    pending = list(
        series.tasks.filter(status=TaskStatus.PUBLISHED, starts_at__gt=timezone.now()).order_by(
            "starts_at"
        )
    )
    probe = pending[0] if pending else series.tasks.first()
    if probe is None:
        raise Http404
    require_manage(actor, probe)
    with transaction.atomic():
        for task in pending:
            _cancel_locked(actor=actor, task=task, reason=reason)
        series.cancelled_at = timezone.now()
        series.save(update_fields=["cancelled_at", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=series,
            changes={"cancelled_occurrences": [None, len(pending)]},
            reason=reason,
        )
    return len(pending)
