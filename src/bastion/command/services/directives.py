"""Directives: issue to target units, then each target's own way from sent to done.

Allowed steps of a target (anything else is refused with a message that says why):
sent -> read (a user answering for the unit opens it) -> acknowledged -> in progress -> done;
acknowledging straight from sent is allowed (it counts as read); the issuer may return a
done target to in progress. "Overdue" is derived (not done after the deadline) and never
blocks a late completion. A cancelled directive takes no further steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
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
    MeetingDecision,
    Priority,
    TargetAction,
    TargetStatus,
)
from bastion.command.services.common import (
    Checks,
    actor_name,
    actor_or_none,
    clean_files,
    clean_text,
    is_system,
    now_or,
)
from bastion.command.units import (
    Unit,
    acts_for_unit,
    answers_for,
    resolve_targets,
    stored_unit,
    users_answering,
)
from bastion.core.audit import Action, audit_record

TITLE_MAX = 120
CONTENT_MAX = 5000
NOTE_MAX = 500
REPORT_MAX = 3000
MAX_REMIND_HOURS = 168
MAX_DAYS_AHEAD = 366

# action -> the statuses it may start from
ALLOWED_FROM = {
    TargetAction.ACKNOWLEDGE: {TargetStatus.SENT, TargetStatus.READ},
    TargetAction.PROGRESS: {TargetStatus.ACKNOWLEDGED, TargetStatus.IN_PROGRESS},
    TargetAction.DONE: {TargetStatus.ACKNOWLEDGED, TargetStatus.IN_PROGRESS},
    TargetAction.RETURN: {TargetStatus.DONE},
}
ACTION_RESULT = {
    TargetAction.ACKNOWLEDGE: TargetStatus.ACKNOWLEDGED,
    TargetAction.PROGRESS: TargetStatus.IN_PROGRESS,
    TargetAction.DONE: TargetStatus.DONE,
    TargetAction.RETURN: TargetStatus.IN_PROGRESS,
}


def refusal(action: str, status: str) -> str:
    """Why `action` cannot start from `status`, in words for the person who tried."""
    if status == TargetStatus.DONE:
        return {
            TargetAction.ACKNOWLEDGE: _("该单位已完成，不能再签收"),
            TargetAction.PROGRESS: _("该单位已完成，不能再报告进展；如需重办请由下发单位退回"),
            TargetAction.DONE: _("该单位已报告完成，不能重复报告"),
        }.get(action, _("该单位已完成"))
    if action == TargetAction.ACKNOWLEDGE:
        return _("已签收，无需重复签收")
    if action in (TargetAction.PROGRESS, TargetAction.DONE):
        return _("请先签收指令，再报告进展或完成")
    if action == TargetAction.RETURN:
        return _("只有已报告完成的单位可以退回重办")
    return _("当前状态下不能执行此操作")


def directive_link(directive: Directive) -> str:
    return reverse("command:directive_detail", args=[directive.public_id])


def target_link(target: DirectiveTarget) -> str:
    return reverse("command:target_detail", args=[target.public_id])


def _clean_deadline(deadline, now: dt.datetime) -> dt.datetime:
    if not isinstance(deadline, dt.datetime):
        raise ValidationError({"deadline": [_("请填写办理期限")]})
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    if deadline <= now:
        raise ValidationError({"deadline": [_("办理期限必须晚于现在")]})
    if deadline > now + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({"deadline": [_("办理期限不能超过一年")]})
    return deadline


def _event(target, *, action, actor, now, note="", from_status="", to_status="", files=()):
    event = DirectiveEvent.objects.create(
        target=target,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        actor=actor_or_none(actor),
        actor_name=actor_name(actor),
        at=now,
    )
    if files:
        event.attachments.set(files)
    return event


def _require_issuer_side(actor, directive: Directive) -> None:
    if is_system(actor):
        return
    if not acts_for_unit(actor, Perm.DIRECTIVE_ISSUE, stored_unit(directive, "issuer")):
        raise PermissionDenied(_("只有下发单位可以执行此操作"))


def directive_issue(
    *,
    actor,
    issuer: Unit,
    title: str,
    content: str,
    deadline: dt.datetime,
    targets: Iterable[str],
    priority: str = Priority.NORMAL,
    remind_hours: int = 24,
    attachments: Iterable = (),
    decision: MeetingDecision | None = None,
    now: dt.datetime | None = None,
    notify_units: bool = True,
) -> Directive:
    """Issue a directive from `issuer` (a level the actor acts for with DIRECTIVE_ISSUE) to
    the units named by `targets` (unit keys below the issuer); every unit is told."""
    now = now_or(now)
    if not is_system(actor) and not acts_for_unit(actor, Perm.DIRECTIVE_ISSUE, issuer):
        raise PermissionDenied(_("您不能以 %(unit)s 的名义下发指令") % {"unit": issuer.name})
    checks = Checks()
    title = checks.text(title, field="title", label=_("标题"), max_length=TITLE_MAX)
    content = checks.text(content, field="content", label=_("内容"), max_length=CONTENT_MAX)
    deadline = checks.run(lambda: _clean_deadline(deadline, now))
    units = checks.run(lambda: resolve_targets(issuer, targets), [])
    files = checks.run(lambda: clean_files(attachments), [])
    if priority not in Priority.values:
        checks.fail("priority", _("请选择紧急程度"))
    try:
        remind_hours = int(remind_hours)
    except (TypeError, ValueError):
        remind_hours = -1
    if not 0 <= remind_hours <= MAX_REMIND_HOURS:
        checks.fail(
            "remind_hours", _("提前提醒小时数须在 0 到 %(n)d 之间") % {"n": MAX_REMIND_HOURS}
        )
    checks.done()
    directive = Directive(
        **issuer.issuer_columns(),
        title=title,
        content=content,
        priority=priority,
        deadline=deadline,
        remind_hours=remind_hours,
        issued_by=actor_or_none(actor),
        issued_at=now,
        decision=decision,
    )
    directive.full_clean()
    with transaction.atomic():
        directive.save()
        if files:
            directive.attachments.set(files)
        DirectiveTarget.objects.bulk_create(
            [DirectiveTarget(directive=directive, **unit.target_columns()) for unit in units]
        )
        audit_record(
            actor=actor_or_none(actor),
            action=Action.CREATE,
            obj=directive,
            path=directive.region_path,
            changes={
                "title": [None, title],
                "deadline": [None, deadline.isoformat()],
                "targets": [None, [u.key for u in units]],
            },
        )
        if notify_units:
            title_text = _("新指令：%(title)s") % {"title": title}
            link = directive_link(directive)
            level = "warning" if priority != Priority.NORMAL else "info"
            for users in users_answering(units, issuer=issuer).values():
                for user in users:
                    notify(recipient=user, title=title_text, link=link, level=level)
    return directive


def directive_cancel(*, actor, directive: Directive, reason: str, now=None) -> Directive:
    """Cancel an active directive (issuer side); units not done are told."""
    now = now_or(now)
    _require_issuer_side(actor, directive)
    reason = clean_text(reason, field="reason", label=_("撤销理由"), max_length=300)
    with transaction.atomic():
        locked = Directive.objects.select_for_update().get(pk=directive.pk)
        if locked.status == DirectiveStatus.CANCELLED:
            raise ValidationError({"reason": [_("该指令已撤销")]})
        locked.status = DirectiveStatus.CANCELLED
        locked.cancelled_at = now
        locked.cancelled_by = actor_or_none(actor)
        locked.cancel_reason = reason
        locked.save(
            update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"]
        )
        open_targets = list(locked.targets.exclude(status=TargetStatus.DONE))
        for target in open_targets:
            _event(target, action=TargetAction.CANCEL, actor=actor, now=now, note=reason)
        audit_record(
            actor=actor_or_none(actor),
            action=Action.UPDATE,
            obj=locked,
            path=locked.region_path,
            changes={"status": [DirectiveStatus.ACTIVE, DirectiveStatus.CANCELLED]},
            reason=reason,
        )
        issuer = stored_unit(locked, "issuer")
        units = [stored_unit(t) for t in open_targets]
        text = _("指令已撤销：%(title)s") % {"title": locked.title}
        for users in users_answering(units, issuer=issuer).values():
            for user in users:
                notify(recipient=user, title=text, body=reason, link=directive_link(locked))
    return locked


def _require_answering(actor, target: DirectiveTarget, directive: Directive) -> None:
    if is_system(actor):
        return
    if not answers_for(actor, stored_unit(target), stored_unit(directive, "issuer")):
        raise PermissionDenied(_("只有承办单位可以办理该指令"))


def directive_target_read(*, actor, target: DirectiveTarget, now=None) -> bool:
    """Mark a target read when a user answering for its unit opens it; True if it changed.
    Anyone else opening it (the issuer, a higher level) changes nothing."""
    directive = target.directive
    if target.status != TargetStatus.SENT or directive.status != DirectiveStatus.ACTIVE:
        return False
    if is_system(actor) or not answers_for(
        actor, stored_unit(target), stored_unit(directive, "issuer")
    ):
        return False
    now = now_or(now)
    with transaction.atomic():
        changed = DirectiveTarget.objects.filter(pk=target.pk, status=TargetStatus.SENT).update(
            status=TargetStatus.READ, read_at=now, read_by=actor, updated_at=now
        )
        if not changed:
            return False
        _event(
            target,
            action=TargetAction.READ,
            actor=actor,
            now=now,
            from_status=TargetStatus.SENT,
            to_status=TargetStatus.READ,
        )
    target.status, target.read_at, target.read_by = TargetStatus.READ, now, actor
    return True


def _step(
    *,
    actor,
    target: DirectiveTarget,
    action: str,
    note: str = "",
    files: list | None = None,
    now: dt.datetime,
    issuer_side: bool = False,
) -> DirectiveTarget:
    with transaction.atomic():
        locked = (
            DirectiveTarget.objects.select_for_update(of=("self",))
            .select_related("directive")
            .get(pk=target.pk)
        )
        directive = locked.directive
        if issuer_side:
            _require_issuer_side(actor, directive)
        else:
            _require_answering(actor, locked, directive)
        if directive.status == DirectiveStatus.CANCELLED:
            raise ValidationError({"__all__": [_("该指令已撤销，不能再办理")]})
        if locked.status not in ALLOWED_FROM[action]:
            raise ValidationError({"__all__": [refusal(action, locked.status)]})
        before = locked.status
        after = ACTION_RESULT[action]
        fields = ["status", "updated_at"]
        locked.status = after
        if action == TargetAction.ACKNOWLEDGE:
            locked.acknowledged_at, locked.acknowledged_by = now, actor_or_none(actor)
            fields += ["acknowledged_at", "acknowledged_by"]
            if locked.read_at is None:
                locked.read_at, locked.read_by = now, actor_or_none(actor)
                fields += ["read_at", "read_by"]
        elif action == TargetAction.PROGRESS:
            locked.progress_note = note[:NOTE_MAX]
            fields.append("progress_note")
            if locked.started_at is None:
                locked.started_at = now
                fields.append("started_at")
        elif action == TargetAction.DONE:
            locked.done_at, locked.done_by, locked.report = now, actor_or_none(actor), note
            fields += ["done_at", "done_by", "report"]
            if locked.started_at is None:
                locked.started_at = now
                fields.append("started_at")
        elif action == TargetAction.RETURN:
            locked.done_at, locked.done_by = None, None
            locked.escalated_at = None  # overdue again -> the issuer is told again
            fields += ["done_at", "done_by", "escalated_at"]
        locked.save(update_fields=fields)
        _event(
            locked,
            action=action,
            actor=actor,
            now=now,
            note=note,
            from_status=before,
            to_status=after,
            files=files or (),
        )
        audit_record(
            actor=actor_or_none(actor),
            action=Action.UPDATE,
            obj=locked,
            object_repr=f"{directive.title} · {locked.unit_name}"[:200],
            path=locked.region_path,
            changes={"status": [before, after]},
            reason=note[:500],
        )
    return locked


def directive_target_acknowledge(*, actor, target: DirectiveTarget, note: str = "", now=None):
    note = clean_text(note, field="note", label=_("签收说明"), max_length=NOTE_MAX, required=False)
    return _step(
        actor=actor, target=target, action=TargetAction.ACKNOWLEDGE, note=note, now=now_or(now)
    )


def directive_target_progress(
    *, actor, target: DirectiveTarget, note: str, attachments: Iterable = (), now=None
):
    note = clean_text(note, field="note", label=_("进展情况"), max_length=NOTE_MAX)
    files = clean_files(attachments)
    return _step(
        actor=actor,
        target=target,
        action=TargetAction.PROGRESS,
        note=note,
        files=files,
        now=now_or(now),
    )


def directive_target_complete(
    *, actor, target: DirectiveTarget, report: str, attachments: Iterable = (), now=None
):
    report = clean_text(report, field="report", label=_("完成情况报告"), max_length=REPORT_MAX)
    files = clean_files(attachments)
    return _step(
        actor=actor,
        target=target,
        action=TargetAction.DONE,
        note=report,
        files=files,
        now=now_or(now),
    )


def directive_target_return(*, actor, target: DirectiveTarget, reason: str, now=None):
    """The issuer sends a done target back to in progress, saying why; the unit is told."""
    reason = clean_text(reason, field="reason", label=_("退回理由"), max_length=NOTE_MAX)
    returned = _step(
        actor=actor,
        target=target,
        action=TargetAction.RETURN,
        note=reason,
        now=now_or(now),
        issuer_side=True,
    )
    directive = returned.directive
    text = _("指令被退回重办：%(title)s") % {"title": directive.title}
    for user in users_answering([stored_unit(returned)], issuer=stored_unit(directive, "issuer"))[
        returned.unit_key
    ]:
        notify(recipient=user, title=text, body=reason, link=target_link(returned), level="warning")
    return returned
