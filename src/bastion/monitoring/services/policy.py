"""Policy as configuration: categories, team templates (五包一/四包一/六包一), risk areas and
standing seat duties. County command edits them on the policy pages; no code changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from bastion.access.models import User
from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, has_perm
from bastion.core.audit import Action, audit_record
from bastion.geo.models import Region
from bastion.monitoring.models import (
    ClockStart,
    Policy,
    RiskArea,
    SeatAssignment,
    TeamMember,
    TeamTemplate,
    TeamTemplateRole,
)

POLICY_FIELDS = (
    "name_zh",
    "name_en",
    "observation_days",
    "clock_start",
    "followups_per_day",
    "fever_threshold",
    "cutoff_hour",
    "retention_days",
    "escalation_hours",
    "team_template",
    "active",
)
RISK_AREA_FIELDS = ("name", "code", "risky_from", "risky_until")


def _require_manage(actor) -> None:
    if not has_perm(actor, Perm.POLICY_MANAGE):
        raise PermissionDenied


def _display(value: Any) -> Any:
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    if isinstance(value, TeamTemplate):
        return value.name
    return value


def _clean_escalation_hours(value: Any) -> list[int]:
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").split(",") if v.strip()]
    try:
        hours = [int(str(v).strip()) for v in value or []]
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            {"escalation_hours": [_("升级时限应为逗号分隔的小时数，如 2,4,8,24")]}
        ) from exc
    if any(h <= 0 for h in hours) or hours != sorted(set(hours)):
        raise ValidationError({"escalation_hours": [_("升级时限应为递增的正整数小时数")]})
    if len(hours) > 4:
        raise ValidationError(
            {"escalation_hours": [_("升级时限最多4级：乡村医生、村社区、镇街、县指挥部")]}
        )
    return hours


def _apply_policy_fields(policy: Policy, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(POLICY_FIELDS) - {"category"}
    if unknown:
        raise ValidationError(_("不能修改的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    for name, value in fields.items():
        if name == "escalation_hours":
            value = _clean_escalation_hours(value)
        elif name == "fever_threshold" and not isinstance(value, Decimal):
            try:
                value = Decimal(str(value))
            except InvalidOperation as exc:
                raise ValidationError(
                    {"fever_threshold": [_("发热阈值应为数字，如 37.3")]}
                ) from exc
        setattr(policy, name, value)
    if policy.fever_threshold is not None and not Decimal(
        "35.0"
    ) <= policy.fever_threshold <= Decimal("42.0"):
        raise ValidationError({"fever_threshold": [_("发热阈值应在35.0到42.0℃之间")]})
    if policy.clock_start not in ClockStart.values:
        raise ValidationError({"clock_start": [_("请选择观察期起算方式")]})


@transaction.atomic
def policy_create(
    *, actor, category: str, name_zh: str, team_template: TeamTemplate, **fields
) -> Policy:
    """A new category. Other fields (see POLICY_FIELDS) take the model defaults when omitted."""
    _require_manage(actor)
    if Policy.objects.filter(category=category).exists():
        raise ValidationError({"category": [_("类别代码“%(c)s”已存在") % {"c": category}]})
    policy = Policy(
        category=category,
        name_zh=name_zh,
        name_en=fields.pop("name_en", "") or category,
        team_template=team_template,
    )
    if "escalation_hours" not in fields:
        fields["escalation_hours"] = [2, 4, 8, 24]
    _apply_policy_fields(policy, fields)
    policy.full_clean()
    policy.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=policy,
        changes={
            name: [None, _display(getattr(policy, name))] for name in ("category", *POLICY_FIELDS)
        },
    )
    return policy


@transaction.atomic
def policy_update(*, actor, policy: Policy, changes: dict[str, Any]) -> Policy:
    """Change a policy. Running observations keep the days they started with; the rest
    (follow-ups per day, threshold, cut-off, escalation, team template) applies from now."""
    _require_manage(actor)
    Policy.objects.select_for_update().filter(pk=policy.pk).first()  # lock the row
    policy.refresh_from_db()
    before = {name: _display(getattr(policy, name)) for name in POLICY_FIELDS}
    changes = {k: v for k, v in changes.items() if k != "category"}
    _apply_policy_fields(policy, changes)
    policy.full_clean()
    after = {name: _display(getattr(policy, name)) for name in POLICY_FIELDS}
    diff = {k: [before[k], after[k]] for k in POLICY_FIELDS if before[k] != after[k]}
    if diff:
        policy.save()
        audit_record(actor=actor, action=Action.UPDATE, obj=policy, changes=diff)
    return policy


# --- Team templates ------------------------------------------------------------------


@dataclass
class SeatSpec:
    """One seat as the template editor sends it; list order is seat order."""

    code: str
    label_zh: str
    label_en: str = ""
    confirms_release: bool = False


def _clean_seats(seats: list[SeatSpec]) -> list[SeatSpec]:
    if not seats:
        raise ValidationError({"seats": [_("责任组至少需要一个岗位")]})
    errors: list[str] = []
    seen: set[str] = set()
    for number, seat in enumerate(seats, start=1):
        seat.code = (seat.code or "").strip()
        seat.label_zh = (seat.label_zh or "").strip()
        if not seat.code:
            errors.append(_("第%(n)d个岗位：代码不能为空") % {"n": number})
        elif seat.code in seen:
            errors.append(_("第%(n)d个岗位：代码“%(code)s”重复") % {"n": number, "code": seat.code})
        seen.add(seat.code)
        if not seat.label_zh:
            errors.append(_("第%(n)d个岗位：名称不能为空") % {"n": number})
    if sum(1 for s in seats if s.confirms_release) != 1:
        errors.append(_("必须且只能有一个岗位负责确认解除观察（如乡村医生）"))
    if errors:
        raise ValidationError({"seats": errors})
    return seats


def _seat_summary(template: TeamTemplate) -> list[str]:
    return [
        f"{r.code}:{r.label_zh}{'*' if r.confirms_release else ''}"
        for r in template.roles.order_by("order", "id")
    ]


@transaction.atomic
def team_template_create(*, actor, name: str, seats: list[SeatSpec]) -> TeamTemplate:
    _require_manage(actor)
    name = (name or "").strip()
    if TeamTemplate.objects.filter(name=name).exists():
        raise ValidationError({"name": [_("名称“%(name)s”已存在") % {"name": name}]})
    seats = _clean_seats(seats)
    template = TeamTemplate(name=name)
    template.full_clean()
    template.save()
    for order, seat in enumerate(seats, start=1):
        role = TeamTemplateRole(
            template=template,
            code=seat.code,
            label_zh=seat.label_zh,
            label_en=seat.label_en or seat.code,
            order=order,
            confirms_release=seat.confirms_release,
        )
        role.full_clean()
        role.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=template,
        changes={"name": [None, name], "seats": [None, _seat_summary(template)]},
    )
    return template


@transaction.atomic
def team_template_update(
    *, actor, template: TeamTemplate, name: str | None = None, seats: list[SeatSpec] | None = None
) -> TeamTemplate:
    """Rename, and/or set the seats: codes not listed are removed (only if no team uses
    them), new codes added, existing ones relabelled; list order becomes seat order."""
    _require_manage(actor)
    before = {"name": template.name, "seats": _seat_summary(template)}
    if name is not None:
        name = name.strip()
        if TeamTemplate.objects.filter(name=name).exclude(pk=template.pk).exists():
            raise ValidationError({"name": [_("名称“%(name)s”已存在") % {"name": name}]})
        template.name = name
        template.full_clean()
        template.save()
    if seats is not None:
        seats = _clean_seats(seats)
        existing = {r.code: r for r in template.roles.all()}
        wanted = {s.code for s in seats}
        for code, role in existing.items():
            if code in wanted:
                continue
            if TeamMember.objects.filter(seat=role).exists():
                raise ValidationError(
                    {
                        "seats": [
                            _("岗位“%(label)s”仍有责任组成员在岗，不能删除")
                            % {"label": role.label_zh}
                        ]
                    }
                )
            try:
                role.delete()
            except ProtectedError as exc:  # pragma: no cover - guarded above
                raise ValidationError({"seats": [role.label_zh]}) from exc
        for order, seat in enumerate(seats, start=1):
            role = existing.get(seat.code) or TeamTemplateRole(template=template, code=seat.code)
            role.label_zh = seat.label_zh
            role.label_en = seat.label_en or role.label_en or seat.code
            role.order = order
            role.confirms_release = seat.confirms_release
            role.full_clean(validate_constraints=False)
            role.save()
    after = {"name": template.name, "seats": _seat_summary(template)}
    diff = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if diff:
        audit_record(actor=actor, action=Action.UPDATE, obj=template, changes=diff)
    return template


# --- Risk areas ------------------------------------------------------------------------


def _check_risk_area(area: RiskArea) -> None:
    area.name = (area.name or "").strip()
    area.code = (area.code or "").strip()
    if area.code and not area.code.isdigit():
        raise ValidationError({"code": [_("地区代码应为数字（行政区划代码的前几位）")]})
    if area.risky_until and area.risky_from and area.risky_until < area.risky_from:
        raise ValidationError({"risky_until": [_("风险结束日期不能早于开始日期")]})
    area.full_clean()


@transaction.atomic
def risk_area_create(
    *,
    actor,
    name: str,
    risky_from: dt.date,
    risky_until: dt.date | None = None,
    code: str = "",
    now: dt.datetime | None = None,
) -> RiskArea:
    """List a risk area; each grid worker with matching arrivals in their grids is told."""
    _require_manage(actor)
    area = RiskArea(
        name=name,
        code=code,
        risky_from=risky_from,
        risky_until=risky_until,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _check_risk_area(area)
    area.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=area,
        changes={k: [None, _display(getattr(area, k))] for k in RISK_AREA_FIELDS},
    )
    from bastion.monitoring.services.rescreen import rescreen_notify

    rescreen_notify(area=area, now=now)
    return area


@transaction.atomic
def risk_area_update(
    *, actor, area: RiskArea, changes: dict[str, Any], now: dt.datetime | None = None
) -> RiskArea:
    """Change a risk area's name, code or window; a change re-runs the re-screening."""
    _require_manage(actor)
    unknown = set(changes) - set(RISK_AREA_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    RiskArea.objects.select_for_update().filter(pk=area.pk).first()  # lock the row
    area.refresh_from_db()
    before = {k: _display(getattr(area, k)) for k in RISK_AREA_FIELDS}
    for k, v in changes.items():
        setattr(area, k, v)
    _check_risk_area(area)
    after = {k: _display(getattr(area, k)) for k in RISK_AREA_FIELDS}
    diff = {k: [before[k], after[k]] for k in RISK_AREA_FIELDS if before[k] != after[k]}
    if diff:
        area.save()
        audit_record(actor=actor, action=Action.UPDATE, obj=area, changes=diff)
        from bastion.monitoring.services.rescreen import rescreen_notify

        rescreen_notify(area=area, now=now)
    return area


# --- Standing seat duties ---------------------------------------------------------------


@transaction.atomic
def seat_assignment_create(*, actor, user: User, seat_code: str, region: Region) -> SeatAssignment:
    """`user` fills seat `seat_code` for observations under `region` (proposed to new teams)."""
    if not (
        has_perm(actor, Perm.POLICY_MANAGE)
        or can_on_path(actor, Perm.ASSIGNMENT_MANAGE, region.path)
    ):
        raise PermissionDenied
    if not TeamTemplateRole.objects.filter(code=seat_code).exists():
        raise ValidationError(
            {"seat_code": [_("未知的责任组岗位：%(code)s") % {"code": seat_code}]}
        )
    if SeatAssignment.objects.filter(user=user, seat_code=seat_code, region=region).exists():
        raise ValidationError({"seat_code": [_("该人员已担任此区域的该岗位")]})
    duty = SeatAssignment(user=user, seat_code=seat_code, region=region, path=region.path)
    duty.full_clean()
    duty.save()
    audit_record(
        actor=actor,
        action=Action.GRANT,
        obj=user,
        path=region.path,
        changes={"seat": [None, seat_code], "region": [None, region.code]},
    )
    return duty


@transaction.atomic
def seat_assignment_delete(*, actor, assignment: SeatAssignment) -> None:
    """End a standing duty; teams already formed keep their members."""
    if not (
        has_perm(actor, Perm.POLICY_MANAGE)
        or can_on_path(actor, Perm.ASSIGNMENT_MANAGE, assignment.path)
    ):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action=Action.REVOKE,
        obj=assignment.user,
        path=assignment.path,
        changes={"seat": [assignment.seat_code, None], "region": [assignment.region.code, None]},
    )
    assignment.delete()
