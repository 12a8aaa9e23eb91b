"""Claims: online by the volunteer, offline by staff for someone; the waiting list; cancelling.

The last slot is decided under a row lock on the task (`select_for_update`; SQLite
serializes writers with IMMEDIATE transactions): of any number of people claiming it at
once, one gets it and the others get TaskFull. The overlap rule is decided under a row
lock on the person, always taken after the task's (one lock order, no deadlock), so one
person's two claims at once are decided one after the other (docs/decisions/0040).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_name
from bastion.people.models import Person
from bastion.volunteers.errors import refuse
from bastion.volunteers.models import Claim, ClaimChannel, ClaimStatus, Task, TaskStatus
from bastion.volunteers.rules import cancel_deadline
from bastion.volunteers.selectors.people import (
    Volunteer,
    require_eligible,
    volunteer_of_person,
    volunteer_of_user,
)
from bastion.volunteers.selectors.places import rules_for
from bastion.volunteers.services.common import (
    is_system,
    notify_claim,
    notify_task_staff,
    require_manage,
    require_task_visible,
    when_text,
)

ACTIVE = (ClaimStatus.CLAIMED, ClaimStatus.WAITING)


class TaskFull(ValidationError):
    """Every slot is taken; the caller may offer the waiting list."""

    def __init__(self, waiting: int = 0):
        message = _("名额已满。您可以加入候补名单，有人取消时按顺序递补并通知您。")
        super().__init__({"task": [ValidationError(message, code="task_full")]})
        self.code = "task_full"
        self.waiting = waiting


@dataclass
class ClaimResult:
    claim: Claim
    created: bool  # False: the person already held or waited for this task (idempotent)


def _open_for_claims(task: Task, now) -> None:
    if task.status == TaskStatus.CANCELLED:
        raise refuse("task", _("该任务已取消"), "task_cancelled")
    if now >= task.starts_at:
        raise refuse("task", _("任务已开始或已结束，不能再认领"), "task_started")


def _overlap_error(person: Person, task: Task) -> str:
    """The message naming the person's active claim that overlaps `task`, or ""."""
    clash = (
        Claim.objects.filter(
            person=person,
            status__in=ACTIVE,
            task__status=TaskStatus.PUBLISHED,
            task__starts_at__lt=task.ends_at,
            task__ends_at__gt=task.starts_at,
        )
        .exclude(task_id=task.pk)
        .select_related("task")
        .first()
    )
    if clash is None:
        return ""
    return _("与已认领的任务“%(title)s”（%(when)s）时间重叠，同一时间只能参加一个任务") % {
        "title": clash.task.title,
        "when": when_text(clash.task),
    }


def claim_create(
    *,
    actor,
    task: Task,
    person: Person | None = None,
    waitlist: bool = False,
) -> ClaimResult:
    """Claim a slot of `task`: for oneself (person None, online) or, by staff who publish
    there, for `person` (offline). With every slot taken: TaskFull, unless `waitlist`,
    which puts the person on the waiting list. Claiming again what one holds returns the
    existing claim (created False)."""
    now = timezone.now()
    if person is None:
        if not has_perm(actor, Perm.TASK_CLAIM):
            require_task_visible(actor, task)
            raise PermissionDenied(_("您没有认领任务的权限"))
        require_task_visible(actor, task)
        volunteer = volunteer_of_user(actor)
        if volunteer is None:
            raise refuse(
                "person", _("您的账号尚未关联党员或居民志愿者身份，请联系社区"), "not_volunteer"
            )
        channel = ClaimChannel.ONLINE
    else:
        require_manage(actor, task)
        volunteer = volunteer_of_person(person)
        channel = ClaimChannel.OFFLINE
    _open_for_claims(task, now)
    existing = Claim.objects.filter(task=task, person=volunteer.person, status__in=ACTIVE).first()
    if existing is not None:
        return ClaimResult(existing, False)
    require_eligible(volunteer, task)  # reads only: decided before taking the locks
    return _claim_locked(actor=actor, task=task, volunteer=volunteer, waitlist=waitlist,
                         channel=channel)  # fmt: skip


def _claim_locked(
    *, actor, task: Task, volunteer: Volunteer, waitlist: bool, channel: str
) -> ClaimResult:
    person = volunteer.person
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        now = timezone.now()
        _open_for_claims(locked, now)
        Person.objects.select_for_update().filter(pk=person.pk).values_list("pk").first()
        existing = Claim.objects.filter(task=locked, person=person, status__in=ACTIVE).first()
        if existing is not None:
            return ClaimResult(existing, False)
        overlap = _overlap_error(person, locked)
        if overlap:
            raise refuse("task", overlap, "overlap")
        claim = Claim(
            task=locked,
            person=person,
            member=volunteer.member,
            resident=volunteer.resident,
            user=volunteer.user if getattr(volunteer.user, "pk", None) else None,
            path=locked.path,
            channel=channel,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if locked.claimed_count < locked.slots:
            claim.status = ClaimStatus.CLAIMED
            claim.holding_since = now
            locked.claimed_count += 1
        elif waitlist:
            claim.status = ClaimStatus.WAITING
            claim.waiting_since = now
            locked.waiting_count += 1
        else:
            raise TaskFull(locked.waiting_count)
        claim.save()
        locked.save(update_fields=["claimed_count", "waiting_count", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=claim,
            object_repr=f"{mask_name(person.name)} · {locked.title}"[:200],
            changes={"status": [None, claim.status], "channel": [None, channel]},
        )
        if channel == ClaimChannel.OFFLINE:
            title = (
                _("社区已为您认领任务：%(t)s（%(w)s）")
                if claim.status == ClaimStatus.CLAIMED
                else _("社区已为您登记候补：%(t)s（%(w)s）")
            ) % {"t": locked.title, "w": when_text(locked)}
            notify_claim(claim, title=title, actor=actor)
    task.claimed_count, task.waiting_count = locked.claimed_count, locked.waiting_count
    return ClaimResult(claim, True)


def promote_waiting(*, task: Task, actor=None) -> list[Claim]:
    """Give free slots to the waiting list in order (call inside the task's lock).

    Nobody is promoted once the task has started. Each promoted person is told.
    """
    promoted: list[Claim] = []
    now = timezone.now()
    if task.status != TaskStatus.PUBLISHED or now >= task.starts_at:
        return promoted
    while task.claimed_count < task.slots:
        nxt = (
            Claim.objects.select_for_update()
            .filter(task=task, status=ClaimStatus.WAITING)
            .order_by("waiting_since", "id")
            .first()
        )
        if nxt is None:
            break
        nxt.status = ClaimStatus.CLAIMED
        nxt.holding_since = now
        nxt.save(update_fields=["status", "holding_since"])
        task.claimed_count += 1
        task.waiting_count = max(0, task.waiting_count - 1)
        nxt.task = task
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=nxt,
            object_repr=f"{mask_name(nxt.person.name)} · {task.title}"[:200],
            changes={"status": [ClaimStatus.WAITING, ClaimStatus.CLAIMED]},
            reason="waiting list",
        )
        notify_claim(
            nxt,
            title=_("候补成功：您已获得任务“%(t)s”（%(w)s）的名额")
            % {"t": task.title, "w": when_text(task)},
            level="success",
        )
        promoted.append(nxt)
    task.save(update_fields=["claimed_count", "waiting_count", "updated_at"])
    return promoted


def claim_cancel(*, actor, claim: Claim, reason: str = "") -> Claim:
    """Cancel a claim: the volunteer themself until the deadline before the start (the
    community's rule), the publisher until the task ends. A freed slot goes to the
    waiting list. Cancelling a cancelled claim changes nothing."""
    task = claim.task
    reason = (reason or "").strip()[:300]
    own = claim.user_id is not None and claim.user_id == getattr(actor, "pk", None)
    now = timezone.now()
    if not own:
        require_manage(actor, task)
        if now >= task.ends_at and not is_system(actor):
            raise ValidationError({"claim": [_("任务已结束，不能再取消认领")]})
    elif claim.status == ClaimStatus.CLAIMED:
        deadline = cancel_deadline(task.starts_at, rules_for(task.path))
        if now >= deadline:
            when = timezone.localtime(deadline).strftime("%m-%d %H:%M")
            raise refuse(
                "claim",
                _("已过取消截止时间（%(time)s），请联系任务负责人") % {"time": when},
                "deadline_passed",
            )
    elif now >= task.starts_at:
        raise ValidationError({"claim": [_("任务已开始，不能再取消候补")]})
    with transaction.atomic():
        locked_task = Task.objects.select_for_update().get(pk=task.pk)
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status == ClaimStatus.CANCELLED:
            return locked
        old = locked.status
        locked.status = ClaimStatus.CANCELLED
        locked.cancelled_at = now
        locked.cancelled_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.cancel_reason = reason
        locked.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
        if old == ClaimStatus.CLAIMED:
            locked_task.claimed_count = max(0, locked_task.claimed_count - 1)
        else:
            locked_task.waiting_count = max(0, locked_task.waiting_count - 1)
        locked_task.save(update_fields=["claimed_count", "waiting_count", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            object_repr=f"{mask_name(locked.person.name)} · {locked_task.title}"[:200],
            changes={"status": [old, ClaimStatus.CANCELLED]},
            reason=reason,
        )
        locked.task = locked_task
        if not own:
            notify_claim(
                locked,
                title=_("您认领的任务“%(t)s”（%(w)s）已被取消认领")
                % {"t": locked_task.title, "w": when_text(locked_task)},
                body=reason,
                level="warning",
                actor=actor,
            )
        else:
            notify_task_staff(
                locked_task,
                title=_("%(who)s取消了任务“%(t)s”（%(w)s）的%(what)s")
                % {
                    "who": mask_name(locked.person.name),
                    "t": locked_task.title,
                    "w": when_text(locked_task),
                    "what": _("认领") if old == ClaimStatus.CLAIMED else _("候补"),
                },
                body=reason,
                actor=actor,
            )
        if old == ClaimStatus.CLAIMED:
            promote_waiting(task=locked_task, actor=actor)
    claim.status, claim.cancelled_at = locked.status, locked.cancelled_at
    return locked
