"""What a task or a series says, validated: the input, its limits, and the fields a new
task is built from."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core import crypto
from bastion.core.masking import mask_phone
from bastion.core.phone import PhoneError, parse_mobile
from bastion.geo.models import Level, Region
from bastion.volunteers.models import LocationKind, RiskLevel, Task, TaskKind
from bastion.volunteers.selectors.places import place_coordinates
from bastion.volunteers.services.tasks.publishers import Publisher

MAX_SLOTS = 1000
MAX_OCCURRENCES = 62
MAX_TASK_HOURS = 24
MAX_SKILLS = 10


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
