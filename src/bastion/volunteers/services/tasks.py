"""Publishing, editing and cancelling tasks; recurring series; the check-in code.

A change that matters to volunteers (time, place, what to bring, contact) and a
cancellation notify everyone holding or waiting for a slot.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_org_or_region, can_on_path
from bastion.core import crypto
from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_phone
from bastion.core.phone import PhoneError, parse_mobile
from bastion.geo.models import Level, Region
from bastion.party.models import Organization, Team, Tier
from bastion.volunteers.models import (
    Claim,
    ClaimStatus,
    LocationKind,
    PublisherKind,
    RiskLevel,
    Task,
    TaskKind,
    TaskSeries,
    TaskStatus,
)
from bastion.volunteers.selectors.places import COMMUNITY_LEVELS, place_coordinates
from bastion.volunteers.services.claims import promote_waiting
from bastion.volunteers.services.common import (
    is_system,
    notify_active_claims,
    require_manage,
    when_text,
)

MAX_SLOTS = 1000
MAX_OCCURRENCES = 62
MAX_TASK_HOURS = 24
MAX_SKILLS = 10
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


@dataclass
class TaskInput:
    """What a form or an API call says about a task (or a series), before validation."""

    title: str
    kind: str  # TaskKind.code
    location_kind: str
    region: Region | None
    slots: int
    address: str = ""
    description: str = ""
    skills: list[str] = field(default_factory=list)
    risk_level: str = RiskLevel.LOW
    risk_note: str = ""
    protection: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    leader: object | None = None


@dataclass
class Publisher:
    """Who publishes: a community, a team or a temporary branch."""

    kind: str
    community: Region | None = None
    team: Team | None = None
    organization: Organization | None = None

    @property
    def org_path(self) -> str:
        if self.team is not None:
            return self.team.org_path
        if self.organization is not None:
            return self.organization.path
        return ""

    @property
    def region_path(self) -> str:
        if self.community is not None:
            return self.community.path
        if self.team is not None:
            return self.team.region_path
        if self.organization is not None:
            return self.organization.region_path
        return ""


def publisher_check(*, actor, publisher: Publisher) -> None:
    """Http404 unless the actor publishes for this community, team or temporary branch."""
    if publisher.kind == PublisherKind.COMMUNITY:
        community = publisher.community
        if community is None or community.level not in COMMUNITY_LEVELS:
            raise ValidationError({"community": [_("请选择发布任务的村或社区")]})
        allowed = is_system(actor) or can_on_path(actor, Perm.TASK_PUBLISH, community.path)
    elif publisher.kind == PublisherKind.TEAM:
        team = publisher.team
        if team is None:
            raise ValidationError({"team": [_("请选择发布任务的队伍")]})
        if team.disbanded_on is not None:
            raise ValidationError({"team": [_("该队伍已解散")]})
        allowed = is_system(actor) or can_on_org_or_region(
            actor, Perm.TASK_PUBLISH, org_path=team.org_path, region_path=team.region_path
        )
    elif publisher.kind == PublisherKind.TEMPORARY_BRANCH:
        org = publisher.organization
        if org is None or org.tier != Tier.TEMPORARY_BRANCH:
            raise ValidationError({"organization": [_("请选择临时党支部")]})
        if org.closed_on is not None:
            raise ValidationError({"organization": [_("该临时党支部已撤销")]})
        allowed = is_system(actor) or can_on_org_or_region(
            actor, Perm.TASK_PUBLISH, org_path=org.path, region_path=org.region_path
        )
    else:
        raise ValidationError({"publisher_kind": [_("未知的发布方类型")]})
    if not allowed:
        raise Http404


def _clean_input(data: TaskInput, publisher: Publisher) -> dict:
    """Validated field values shared by tasks and series (ValidationError names fields)."""
    errors: dict[str, list[str]] = {}
    title = (data.title or "").strip()
    if not title:
        errors["title"] = [_("标题：请填写任务标题")]
    elif len(title) > 100:
        errors["title"] = [_("标题：最多100个字")]
    kind = TaskKind.objects.filter(code=data.kind, active=True).first()
    if kind is None:
        errors["kind"] = [_("任务类型：请从列表中选择")]
    if data.location_kind not in LocationKind.values:
        errors["location_kind"] = [_("地点：请选择网格、地址或线上")]
    region = data.region
    if region is None:
        errors["region"] = [_("地点：请选择任务所在的网格、社区或镇街")]
    else:
        area = publisher.region_path
        if area and not region.path.startswith(area) and not area.startswith(region.path):
            errors["region"] = [_("地点：应在发布方的区域（%(area)s）内") % {"area": area}]
        elif data.location_kind == LocationKind.GRID and region.level != Level.GRID:
            errors["region"] = [_("地点：选择“网格”时请选择一个网格")]
    address = (data.address or "").strip()
    if data.location_kind == LocationKind.ADDRESS and not address:
        errors["address"] = [_("地址：请填写集合或服务地址")]
    try:
        slots = int(data.slots)
    except (TypeError, ValueError):
        slots = 0
    if not 1 <= slots <= MAX_SLOTS:
        errors["slots"] = [_("名额：应为1到%(n)d之间的整数") % {"n": MAX_SLOTS}]
    if data.risk_level not in RiskLevel.values:
        errors["risk_level"] = [_("风险等级：请选择低、中或高")]
    phone = (data.contact_phone or "").strip()
    if phone:
        try:
            phone = parse_mobile(phone)
        except PhoneError as exc:
            errors["contact_phone"] = [_("联系电话：%(e)s") % {"e": exc}]
    skills = [s.strip()[:30] for s in (data.skills or []) if s and s.strip()]
    if len(skills) > MAX_SKILLS:
        errors["skills"] = [_("技能要求：最多%(n)d项") % {"n": MAX_SKILLS}]
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "kind": kind,
        "location_kind": data.location_kind,
        "region": region,
        "path": region.path,
        "address": address[:200],
        "description": (data.description or "").strip()[:2000],
        "slots": slots,
        "skills": skills,
        "risk_level": data.risk_level,
        "risk_note": (data.risk_note or "").strip()[:300],
        "protection": (data.protection or "").strip()[:300],
        "contact_name": (data.contact_name or "").strip()[:60],
        "contact_phone_encrypted": crypto.encrypt(phone) if phone else "",
        "contact_phone_masked": mask_phone(phone),
        "leader": data.leader,
    }


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": [_("时间：请填写开始和结束时间")]})
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationError({"starts_at": [_("时间：缺少时区")]})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("结束时间：应晚于开始时间")]})
    if ends_at - starts_at > dt.timedelta(hours=MAX_TASK_HOURS):
        raise ValidationError(
            {"ends_at": [_("结束时间：一次任务最长%(n)d小时") % {"n": MAX_TASK_HOURS}]}
        )


def _publisher_fields(publisher: Publisher) -> dict:
    return {
        "publisher_kind": publisher.kind,
        "community": publisher.community,
        "team": publisher.team,
        "organization": publisher.organization,
        "org_path": publisher.org_path,
    }


def _new_task(fields: dict, *, starts_at, ends_at, actor, series=None) -> Task:
    lat, lng = (
        (None, None)
        if fields["location_kind"] == LocationKind.ONLINE
        else place_coordinates(fields["region"])
    )
    return Task(
        **fields,
        series=series,
        starts_at=starts_at,
        ends_at=ends_at,
        lat=lat,
        lng=lng,
        checkin_secret=secrets.token_urlsafe(24),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def task_publish(
    *,
    actor,
    publisher: Publisher,
    data: TaskInput,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> Task:
    """Publish one task for a community, team or temporary branch."""
    publisher_check(actor=actor, publisher=publisher)
    fields = {**_publisher_fields(publisher), **_clean_input(data, publisher)}
    _check_times(starts_at, ends_at)
    if ends_at <= timezone.now():
        raise ValidationError({"ends_at": [_("结束时间：不能早于现在")]})
    task = _new_task(fields, starts_at=starts_at, ends_at=ends_at, actor=actor)
    task.full_clean()
    with transaction.atomic():
        task.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=task,
            changes={
                "title": [None, task.title],
                "starts_at": [None, task.starts_at.isoformat()],
                "slots": [None, task.slots],
            },
        )
    return task


def series_occurrences(
    *,
    first_day: dt.date,
    last_day: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    weekdays: list[int] | None,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """(start, end) of every occurrence, local time made aware; an end at or before the
    start time is on the next day (night shifts)."""
    days = sorted(set(weekdays)) if weekdays else list(range(7))
    out = []
    day = first_day
    while day <= last_day:
        if day.weekday() in days:
            start = timezone.make_aware(dt.datetime.combine(day, start_time))
            end_day = day if end_time > start_time else day + dt.timedelta(days=1)
            out.append((start, timezone.make_aware(dt.datetime.combine(end_day, end_time))))
        day += dt.timedelta(days=1)
    return out


def series_publish(
    *,
    actor,
    publisher: Publisher,
    data: TaskInput,
    first_day: dt.date,
    last_day: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    weekdays: list[int] | None = None,
) -> TaskSeries:
    """Publish a recurring task: every chosen weekday from first_day to last_day (every
    day by default), each occurrence a task of its own with its own slots."""
    publisher_check(actor=actor, publisher=publisher)
    fields = {**_publisher_fields(publisher), **_clean_input(data, publisher)}
    errors = {}
    if first_day is None or last_day is None:
        errors["first_day"] = [_("日期：请填写开始和结束日期")]
    elif last_day < first_day:
        errors["last_day"] = [_("结束日期：不能早于开始日期")]
    elif first_day < timezone.localdate():
        errors["first_day"] = [_("开始日期：不能早于今天")]
    if start_time is None or end_time is None:
        errors["start_time"] = [_("时段：请填写每天的开始和结束时间")]
    elif start_time == end_time:
        errors["end_time"] = [_("时段：结束时间不能等于开始时间")]
    weekdays = sorted({int(d) for d in (weekdays or []) if str(d).isdigit() and 0 <= int(d) <= 6})
    if errors:
        raise ValidationError(errors)
    spans = series_occurrences(
        first_day=first_day,
        last_day=last_day,
        start_time=start_time,
        end_time=end_time,
        weekdays=weekdays,
    )
    spans = [(s, e) for s, e in spans if e > timezone.now()]
    if not spans:
        raise ValidationError({"weekdays": [_("所选日期内没有可发布的班次")]})
    if len(spans) > MAX_OCCURRENCES:
        raise ValidationError(
            {"last_day": [_("一次最多生成%(n)d个班次，请缩短日期范围") % {"n": MAX_OCCURRENCES}]}
        )
    series = TaskSeries(
        **fields,
        first_day=first_day,
        last_day=last_day,
        start_time=start_time,
        end_time=end_time,
        weekdays=weekdays,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    series.full_clean()
    with transaction.atomic():
        series.save()
        tasks = [
            _new_task(fields, starts_at=s, ends_at=e, actor=actor, series=series) for s, e in spans
        ]
        Task.objects.bulk_create(tasks)
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=series,
            changes={
                "title": [None, series.title],
                "occurrences": [None, len(tasks)],
                "first_day": [None, first_day.isoformat()],
                "last_day": [None, last_day.isoformat()],
            },
        )
    return series


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


def can_publish_anywhere(user) -> bool:
    """Whether to show publishing at all (the publisher choice checks each place)."""
    from bastion.access.scoping import has_perm

    return has_perm(user, Perm.TASK_PUBLISH)
