"""Changes to a published task: its fields (told to everyone with a claim), the contact's
number, and the check-in code."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core import crypto
from bastion.core.audit import Action, audit_record
from bastion.volunteers.models import Claim, LocationKind, Task, TaskStatus
from bastion.volunteers.selectors.places import place_coordinates
from bastion.volunteers.services.claims import promote_waiting
from bastion.volunteers.services.common import notify_active_claims, require_manage, when_text
from bastion.volunteers.services.tasks.fields import TaskInput, _check_times, _clean_input
from bastion.volunteers.services.tasks.publishers import Publisher

# Fields whose change is told to the people holding a claim.
NOTIFIED_FIELDS = (
    "title",
    "kind",
    "starts_at",
    "ends_at",
    "region",
    "location_kind",
    "address",
    "risk_level",
    "risk_note",
    "protection",
    "contact_name",
    "contact_phone",
    "description",
    "skills",
)


def _contact_phone(task) -> str:
    return crypto.decrypt(task.contact_phone_encrypted) if task.contact_phone_encrypted else ""


def task_contact_phone(task) -> str:
    """The contact's number in full (shown to claimants and publishers only)."""
    return _contact_phone(task)


def _change_summary(task: Task, before: dict) -> list[str]:
    """Human lines for what changed, in the volunteer's terms."""
    lines = []
    if before["starts_at"] != task.starts_at or before["ends_at"] != task.ends_at:
        lines.append(_("时间改为 %(w)s") % {"w": when_text(task)})
    if (
        before["region"] != task.region_id
        or before["address"] != task.address
        or (before["location_kind"] != task.location_kind)
    ):
        place = task.address or task.region.name
        lines.append(_("地点改为 %(p)s") % {"p": place})
    if (
        before["protection"] != task.protection
        or before["risk_level"] != task.risk_level
        or (before["risk_note"] != task.risk_note)
    ):
        lines.append(_("风险与防护改为：%(r)s；%(p)s") % {
            "r": task.get_risk_level_display(), "p": task.protection or "-"})  # fmt: skip
    if before["contact_name"] != task.contact_name or before["contact_phone"] != _contact_phone(
        task
    ):
        lines.append(
            _("联系人改为 %(n)s %(p)s") % {"n": task.contact_name, "p": task.contact_phone_masked}
        )
    other = ("title", "kind", "description", "skills")
    if any(before[f] != getattr(task, f if f != "kind" else "kind_id") for f in other):
        lines.append(_("任务内容有更新，请查看详情"))
    return lines


def task_update(
    *,
    actor,
    task: Task,
    data: TaskInput,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str = "",
) -> Task:
    """Change a task that has not ended. Fewer slots than are held is refused; more slots
    go to the waiting list. Changes that matter are told to everyone with a claim."""
    require_manage(actor, task)
    if task.status == TaskStatus.CANCELLED:
        raise ValidationError({"task": [_("已取消的任务不能修改")]})
    if timezone.now() >= task.ends_at:
        raise ValidationError({"task": [_("已结束的任务不能修改")]})
    publisher = Publisher(task.publisher_kind, task.community, task.team, task.organization)
    fields = _clean_input(data, publisher)
    _check_times(starts_at, ends_at)
    with transaction.atomic():
        locked = Task.objects.select_for_update().select_related("region", "kind").get(pk=task.pk)
        if fields["slots"] < locked.claimed_count:
            raise ValidationError(
                {"slots": [_("名额：已有%(n)d人认领，不能少于%(n)d") % {"n": locked.claimed_count}]}
            )
        if locked.starts_at <= timezone.now() and starts_at != locked.starts_at:
            raise ValidationError({"starts_at": [_("任务已开始，不能修改开始时间")]})
        before = {f: getattr(locked, f) for f in NOTIFIED_FIELDS if f not in ("kind", "region",
                  "contact_phone")}  # fmt: skip
        before.update(
            kind=locked.kind_id, region=locked.region_id, contact_phone=_contact_phone(locked)
        )
        old_slots = locked.slots
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.starts_at, locked.ends_at = starts_at, ends_at
        if before["region"] != locked.region_id or before["location_kind"] != locked.location_kind:
            locked.lat, locked.lng = (
                (None, None)
                if locked.location_kind == LocationKind.ONLINE
                else place_coordinates(locked.region)
            )
        locked.full_clean()
        locked.save()
        if before["region"] != locked.region_id:
            Claim.objects.filter(task=locked).update(path=locked.path)
        lines = _change_summary(locked, before)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            changes={
                "slots": [old_slots, locked.slots],
                "starts_at": [before["starts_at"].isoformat(), starts_at.isoformat()],
                "ends_at": [before["ends_at"].isoformat(), ends_at.isoformat()],
                "summary": lines,
            },
            reason=reason,
        )
        if lines:
            body = "\n".join(lines + ([_("说明：%(r)s") % {"r": reason}] if reason else []))
            notify_active_claims(
                locked,
                title=_("任务有变更：%(t)s") % {"t": locked.title},
                body=body,
                level="warning",
                actor=actor,
            )
        if locked.slots > old_slots:
            promote_waiting(task=locked, actor=actor)
    return locked


def checkin_code_rotate(*, actor, task: Task) -> Task:
    """Issue a new check-in code for the task; the old QR code stops working."""
    from bastion.volunteers.services.common import require_lead

    require_lead(actor, task)
    if task.status == TaskStatus.CANCELLED:
        raise ValidationError({"task": [_("该任务已取消")]})
    with transaction.atomic():
        task.checkin_secret = secrets.token_urlsafe(24)
        task.checkin_rotated_at = timezone.now()
        task.save(update_fields=["checkin_secret", "checkin_rotated_at", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=task,
            changes={"checkin_code": "rotated"},
        )
    return task
