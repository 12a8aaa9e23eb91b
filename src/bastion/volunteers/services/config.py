"""Configuration: the task-kind list (county level), a region's volunteer rules, and
resident volunteers (registered by community staff)."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, region_paths
from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_name
from bastion.geo.models import Level, Region
from bastion.party.models import PartyMember
from bastion.people.models import Person
from bastion.volunteers.models import ResidentVolunteer, TaskKind, VolunteerRules
from bastion.volunteers.selectors.places import COMMUNITY_LEVELS
from bastion.volunteers.services.common import is_system

KIND_CODE = re.compile(r"^[a-z][a-z0-9_]{1,29}$")


def can_edit_kinds(user) -> bool:
    """The kind list is county-wide: publishers at a county (a one-code region path)."""
    if is_system(user):
        return True
    paths = region_paths(user, Perm.TASK_PUBLISH)
    return paths is None or any(p.count("/") == 1 for p in paths)


def task_kind_save(
    *,
    actor,
    code: str,
    name_zh: str,
    name_en: str = "",
    order: int = 100,
    active: bool = True,
) -> TaskKind:
    """Add a task kind, or change the one with this code (kinds are never deleted:
    deactivate one to take it off the publishing form)."""
    if not can_edit_kinds(actor):
        raise PermissionDenied(_("只有县级可以修改任务类型"))
    code = (code or "").strip().lower()
    errors = {}
    if not KIND_CODE.match(code):
        errors["code"] = [_("代码：2到30位小写字母、数字或下划线，以字母开头")]
    name_zh = (name_zh or "").strip()
    if not name_zh or len(name_zh) > 40:
        errors["name_zh"] = [_("名称：请填写中文名称（最多40字）")]
    try:
        order = int(order)
    except (TypeError, ValueError):
        errors["order"] = [_("排序：请填写整数")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        kind = TaskKind.objects.select_for_update().filter(code=code).first()
        old = None
        if kind is None:
            kind = TaskKind(code=code)
        else:
            old = {"name_zh": kind.name_zh, "active": kind.active}
        kind.name_zh = name_zh
        kind.name_en = (name_en or "").strip()[:60]
        kind.order = max(0, min(order, 32000))
        kind.active = bool(active)
        kind.full_clean(validate_unique=False)
        kind.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE if old else Action.CREATE,
            obj=kind,
            object_id=code,
            object_repr=name_zh,
            changes={
                "name_zh": [old["name_zh"] if old else None, name_zh],
                "active": [old["active"] if old else None, kind.active],
            },
        )
    return kind


def rules_save(
    *,
    actor,
    region: Region,
    allow_residents: bool,
    cancel_deadline_hours: int,
    minutes_per_point: int,
    points_per_unit: int,
    public_requests: bool,
) -> VolunteerRules:
    """Set the volunteer rules of a region (and the regions under it without their own)."""
    if not is_system(actor) and not can_on_path(actor, Perm.TASK_PUBLISH, region.path):
        raise Http404
    if region.level == Level.GRID:
        raise ValidationError({"region": [_("规则按县、镇街或村社区设置")]})
    with transaction.atomic():
        rules = VolunteerRules.objects.select_for_update().filter(region=region).first()
        old = None
        if rules is None:
            rules = VolunteerRules(region=region, path=region.path)
        else:
            old = {
                "allow_residents": rules.allow_residents,
                "cancel_deadline_hours": rules.cancel_deadline_hours,
                "minutes_per_point": rules.minutes_per_point,
                "points_per_unit": rules.points_per_unit,
                "public_requests": rules.public_requests,
            }
        rules.allow_residents = bool(allow_residents)
        rules.cancel_deadline_hours = cancel_deadline_hours
        rules.minutes_per_point = minutes_per_point
        rules.points_per_unit = points_per_unit
        rules.public_requests = bool(public_requests)
        rules.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        rules.full_clean(validate_unique=False)
        rules.save()
        new = {k: getattr(rules, k) for k in (
            "allow_residents", "cancel_deadline_hours", "minutes_per_point", "points_per_unit",
            "public_requests")}  # fmt: skip
        audit_record(
            actor=actor,
            action=Action.UPDATE if old else Action.CREATE,
            obj=rules,
            object_id=region.code,
            object_repr=region.name,
            path=region.path,
            changes={k: [old[k] if old else None, v] for k, v in new.items()},
        )
    return rules


def resident_register(
    *,
    actor,
    person: Person,
    home_grid: Region,
    user=None,
    skills: list[str] | None = None,
) -> ResidentVolunteer:
    """Register a resident (no party membership) as a volunteer of their community."""
    if home_grid.level != Level.GRID:
        raise ValidationError({"home_grid": [_("居住网格：请选择网格")]})
    community = home_grid.parent
    if community is None or community.level not in COMMUNITY_LEVELS:
        raise ValidationError({"home_grid": [_("居住网格：该网格不属于任何村或社区")]})
    if not is_system(actor) and not can_on_path(actor, Perm.TASK_PUBLISH, community.path):
        raise Http404
    if PartyMember.objects.filter(person=person).exists():
        raise ValidationError({"person": [_("此人是党员，请通过社区报到参加志愿服务")]})
    if user is not None and PartyMember.objects.filter(user=user).exists():
        raise ValidationError({"user": [_("该账号已关联党员身份")]})
    with transaction.atomic():
        existing = ResidentVolunteer.objects.select_for_update().filter(person=person).first()
        if existing is not None and existing.active:
            raise ValidationError({"person": [_("此人已登记为居民志愿者")]})
        resident = existing or ResidentVolunteer(person=person)
        resident.user = user
        resident.home_grid = home_grid
        resident.community = community
        resident.path = home_grid.path
        resident.skills = [s.strip()[:30] for s in (skills or []) if s and s.strip()][:10]
        resident.active = True
        resident.left_on = None
        resident.registered_by = actor if getattr(actor, "is_authenticated", False) else None
        resident.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                resident.save()
        except IntegrityError as exc:
            raise ValidationError({"user": [_("该账号已关联另一位居民志愿者")]}) from exc
        audit_record(
            actor=actor,
            action=Action.CREATE if existing is None else Action.UPDATE,
            obj=resident,
            object_repr=mask_name(person.name),
            path=resident.path,
            changes={"community": [None, community.code], "active": [None, True]},
        )
    return resident


def resident_leave(*, actor, resident: ResidentVolunteer, reason: str = "") -> ResidentVolunteer:
    """A resident volunteer stops (their claims and record stay)."""
    if not is_system(actor) and not can_on_path(actor, Perm.TASK_PUBLISH, resident.community.path):
        raise Http404
    if not resident.active:
        return resident
    with transaction.atomic():
        resident.active = False
        resident.left_on = timezone.localdate()
        resident.save(update_fields=["active", "left_on", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=resident,
            object_repr=mask_name(resident.person.name),
            path=resident.path,
            changes={"active": [True, False]},
            reason=(reason or "").strip()[:300],
        )
    return resident
