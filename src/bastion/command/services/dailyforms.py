"""Daily forms: the county command configures them; each unit files one per local day.

No figure is asked for twice: a field may not carry the code or the name of an indicator
(`core.indicators.all_indicators()`), nor of a field of another active form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.command.models import DailyForm, DailyFormField, DailyReport, FieldKind
from bastion.command.services.common import (
    Checks,
    actor_or_none,
    clean_text,
    is_system,
    local_date,
    now_or,
    require_county_command,
)
from bastion.command.units import UNIT_LEVELS
from bastion.core.audit import Action, audit_record
from bastion.core.indicators import all_indicators
from bastion.geo.models import Region

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
MAX_FIELDS = 20
TEXT_MAX = 200
VALUE_MAX = 10_000_000
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_COUNT_SUFFIXES = ("人数", "次数", "个数", "户数", "数量", "数")


def _normal(text: str) -> str:
    """A label reduced for comparison: no spaces or punctuation, lower case, no count suffix."""
    text = _PUNCTUATION.sub("", (text or "").lower())
    for suffix in _COUNT_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


def figure_clash(
    *, code: str, label: str, form: DailyForm | None = None, field: DailyFormField | None = None
) -> str | None:
    """The name of an existing figure that a field with this code or label would ask for
    again (an indicator, or a field of an active form), or None."""
    wanted = _normal(label)
    for indicator in all_indicators().values():
        names = {_normal(indicator.name_zh), _normal(indicator.name_en)}
        if code == indicator.code or wanted in names:
            return _("指标“%(name)s”（系统自动统计）") % {"name": indicator.name_zh}
    others = DailyFormField.objects.filter(active=True, form__active=True).select_related("form")
    if field is not None and field.pk:
        others = others.exclude(pk=field.pk)
    for other in others:
        same_form = form is not None and other.form_id == form.pk
        if (same_form and other.code == code) or _normal(other.label) == wanted:
            return _("日报“%(form)s”的“%(label)s”") % {
                "form": other.form.name,
                "label": other.label,
            }
    return None


def _clean_field(item: dict, *, n: int, form: DailyForm | None) -> dict:
    where = f"fields.{n}"
    code = str(item.get("code") or "").strip()
    label = clean_text(
        item.get("label"), field=where, label=_("第%(n)d项名称") % {"n": n + 1}, max_length=60
    )
    if not CODE.match(code):
        raise ValidationError(
            {
                where: [
                    _("第%(n)d项的代码须以小写字母开头，只含小写字母、数字和下划线") % {"n": n + 1}
                ]
            }
        )
    kind = item.get("kind") or FieldKind.INTEGER
    if kind not in FieldKind.values:
        raise ValidationError({where: [_("第%(n)d项的类型不正确") % {"n": n + 1}]})
    min_value, max_value = item.get("min_value", 0), item.get("max_value")
    for value in (min_value, max_value):
        if value is not None and (not isinstance(value, int) or abs(value) > VALUE_MAX):
            raise ValidationError({where: [_("第%(n)d项的取值范围不正确") % {"n": n + 1}]})
    if min_value is not None and max_value is not None and min_value > max_value:
        raise ValidationError({where: [_("第%(n)d项的最小值大于最大值") % {"n": n + 1}]})
    clash = figure_clash(code=code, label=label, form=form)
    if clash:
        raise ValidationError(
            {
                where: [
                    _("“%(label)s”已由%(source)s提供，不能再要求填报")
                    % {"label": label, "source": clash}
                ]
            }
        )
    return {
        "code": code,
        "label": label,
        "kind": kind,
        "required": bool(item.get("required", True)),
        "min_value": min_value if kind == FieldKind.INTEGER else None,
        "max_value": max_value if kind == FieldKind.INTEGER else None,
        "help_text": clean_text(
            item.get("help_text"), field=where, label=_("说明"), max_length=200, required=False
        ),
    }


def _clean_form(*, name, description, levels, deadline_hour) -> dict:
    checks = Checks()
    values: dict = {
        "name": checks.text(name, field="name", label=_("日报名称"), max_length=80),
        "description": checks.text(
            description, field="description", label=_("说明"), max_length=300, required=False
        ),
    }
    levels = [str(level) for level in (levels or [])]
    if not levels or any(level not in UNIT_LEVELS for level in levels):
        checks.fail("levels", _("请选择填报的单位层级（镇街、村、社区）"))
    try:
        deadline_hour = int(deadline_hour)
        if not 1 <= deadline_hour <= 24:
            raise ValueError
    except (TypeError, ValueError):
        checks.fail("deadline_hour", _("截止时间须为 1 到 24 点之间的整点"))
    checks.done()
    values["levels"] = sorted(set(levels), key=list(UNIT_LEVELS).index)
    values["deadline_hour"] = deadline_hour
    return values


def daily_form_create(
    *,
    actor,
    region: Region,
    name: str,
    levels: Iterable[str],
    deadline_hour: int,
    fields: list[dict],
    description: str = "",
) -> DailyForm:
    """A daily form for the units of `levels` under `region` (county command only)."""
    require_county_command(actor)
    if not is_system(actor) and not can_on_path(actor, Perm.DAILY_FORM, region.path):
        raise Http404
    values = _clean_form(
        name=name, description=description, levels=levels, deadline_hour=deadline_hour
    )
    items = [
        f for f in fields if str(f.get("label") or "").strip() or str(f.get("code") or "").strip()
    ]
    if not items:
        raise ValidationError({"fields": [_("请至少设置一个填报项")]})
    if len(items) > MAX_FIELDS:
        raise ValidationError({"fields": [_("填报项最多 %(n)d 个") % {"n": MAX_FIELDS}]})
    cleaned = [_clean_field(item, n=n, form=None) for n, item in enumerate(items)]
    codes = [f["code"] for f in cleaned]
    labels = [f["label"] for f in cleaned]
    if len(set(codes)) != len(codes) or len({_normal(x) for x in labels}) != len(labels):
        raise ValidationError({"fields": [_("填报项的代码和名称不能重复")]})
    form = DailyForm(region=region, path=region.path, created_by=actor_or_none(actor), **values)
    form.full_clean()
    with transaction.atomic():
        form.save()
        DailyFormField.objects.bulk_create(
            [DailyFormField(form=form, order=n, **f) for n, f in enumerate(cleaned)]
        )
        audit_record(
            actor=actor_or_none(actor),
            action=Action.CREATE,
            obj=form,
            changes={"name": [None, form.name], "fields": [None, codes]},
        )
    return form


def daily_form_update(
    *,
    actor,
    form: DailyForm,
    name: str,
    levels: Iterable[str],
    deadline_hour: int,
    active: bool,
    description: str = "",
) -> DailyForm:
    require_county_command(actor)
    values = _clean_form(
        name=name, description=description, levels=levels, deadline_hour=deadline_hour
    )
    values["active"] = bool(active)
    with transaction.atomic():
        locked = DailyForm.objects.select_for_update().get(pk=form.pk)
        if values["active"] and not locked.active:
            for field in locked.fields.filter(active=True):
                clash = figure_clash(code=field.code, label=field.label, form=locked, field=field)
                if clash:
                    raise ValidationError(
                        {
                            "active": [
                                _("“%(label)s”已由%(source)s提供，不能启用")
                                % {"label": field.label, "source": clash}
                            ]
                        }
                    )
        changes = {}
        for name_, value in values.items():
            if getattr(locked, name_) != value:
                changes[name_] = [getattr(locked, name_), value]
                setattr(locked, name_, value)
        if changes:
            locked.full_clean()
            locked.save()
            audit_record(
                actor=actor_or_none(actor), action=Action.UPDATE, obj=locked, changes=changes
            )
    return locked


def daily_form_field_add(*, actor, form: DailyForm, **item) -> DailyFormField:
    require_county_command(actor)
    with transaction.atomic():
        locked = DailyForm.objects.select_for_update().get(pk=form.pk)
        count = locked.fields.filter(active=True).count()
        if count >= MAX_FIELDS:
            raise ValidationError({"fields": [_("填报项最多 %(n)d 个") % {"n": MAX_FIELDS}]})
        values = _clean_field(item, n=count, form=locked)
        if locked.fields.filter(code=values["code"]).exists():
            raise ValidationError(
                {f"fields.{count}": [_("代码 %(c)s 已被使用") % {"c": values["code"]}]}
            )
        last = locked.fields.order_by("-order").values_list("order", flat=True).first() or 0
        field = DailyFormField(form=locked, order=last + 1, **values)
        field.full_clean()
        field.save()
        audit_record(
            actor=actor_or_none(actor),
            action=Action.UPDATE,
            obj=locked,
            changes={"field_added": [None, field.code]},
        )
    return field


def daily_form_field_set_active(*, actor, field: DailyFormField, active: bool) -> DailyFormField:
    """Stop asking for a field (its past values stay), or ask for it again."""
    require_county_command(actor)
    with transaction.atomic():
        locked = (
            DailyFormField.objects.select_for_update(of=("self",))
            .select_related("form")
            .get(pk=field.pk)
        )
        if locked.active == bool(active):
            return locked
        if active:
            clash = figure_clash(
                code=locked.code, label=locked.label, form=locked.form, field=locked
            )
            if clash:
                raise ValidationError(
                    {
                        "active": [
                            _("“%(label)s”已由%(source)s提供，不能启用")
                            % {"label": locked.label, "source": clash}
                        ]
                    }
                )
        locked.active = bool(active)
        locked.save(update_fields=["active"])
        audit_record(
            actor=actor_or_none(actor),
            action=Action.UPDATE,
            obj=locked.form,
            changes={f"field:{locked.code}:active": [not locked.active, locked.active]},
        )
    return locked


# --- Filing -------------------------------------------------------------------------------


def deadline_of(form: DailyForm, day: dt.date) -> dt.datetime:
    """The moment a unit's form for local `day` is due."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return start + dt.timedelta(hours=form.deadline_hour)


def is_filing_unit(form: DailyForm, region: Region) -> bool:
    return region.path.startswith(form.path) and region.level in form.levels


def _clean_values(form: DailyForm, values: dict) -> dict:
    fields = list(form.fields.filter(active=True))
    known = {f.code for f in fields}
    errors: dict[str, list[str]] = {}
    unknown = [str(k)[:40] for k in values if k not in known]
    if unknown:
        errors["values"] = [_("没有这些填报项：%(codes)s") % {"codes": "、".join(unknown)}]
    cleaned: dict = {}
    for field in fields:
        raw = values.get(field.code)
        text = "" if raw is None else str(raw).replace("\x00", "").strip()
        if text == "":
            if field.required:
                errors[field.code] = [_("请填写“%(label)s”") % {"label": field.label}]
            continue
        if field.kind == FieldKind.INTEGER:
            if isinstance(raw, bool) or not re.fullmatch(r"-?\d{1,9}", text):
                errors[field.code] = [_("“%(label)s”须为整数") % {"label": field.label}]
                continue
            number = int(text)
            if field.min_value is not None and number < field.min_value:
                errors[field.code] = [
                    _("“%(label)s”不能小于 %(n)d") % {"label": field.label, "n": field.min_value}
                ]
                continue
            if field.max_value is not None and number > field.max_value:
                errors[field.code] = [
                    _("“%(label)s”不能大于 %(n)d") % {"label": field.label, "n": field.max_value}
                ]
                continue
            cleaned[field.code] = number
        else:
            if len(text) > TEXT_MAX:
                errors[field.code] = [
                    _("“%(label)s”不能超过 %(n)d 个字") % {"label": field.label, "n": TEXT_MAX}
                ]
                continue
            cleaned[field.code] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def daily_report_file(
    *, actor, form: DailyForm, region: Region, values: dict, now: dt.datetime | None = None
) -> DailyReport:
    """File (or correct, the same day) a unit's form for today. Late after the deadline hour."""
    now = now_or(now)
    if not is_system(actor) and not can_on_path(actor, Perm.DAILY_FORM, region.path):
        raise Http404
    if not form.active:
        raise ValidationError({"__all__": [_("该日报已停用")]})
    if not is_filing_unit(form, region):
        raise ValidationError({"__all__": [_("%(unit)s 不需要填报该日报") % {"unit": region.name}]})
    if not isinstance(values, dict):
        raise ValidationError({"values": [_("填报内容格式不正确")]})
    cleaned = _clean_values(form, values)
    day = local_date(now)
    with transaction.atomic():
        existing = (
            DailyReport.objects.select_for_update()
            .filter(form=form, region=region, local_date=day)
            .first()
        )
        if existing is not None:
            if existing.values != cleaned:
                audit_record(
                    actor=actor_or_none(actor),
                    action=Action.UPDATE,
                    obj=existing,
                    object_repr=f"{form.name} {region.name} {day}",
                    path=region.path,
                    changes={"values": [existing.values, cleaned]},
                )
                existing.values = cleaned
                existing.amended_at = now
                existing.amended_by = actor_or_none(actor)
                existing.save(update_fields=["values", "amended_at", "amended_by"])
            return existing
        report = DailyReport(
            form=form,
            region=region,
            path=region.path,
            local_date=day,
            values=cleaned,
            filed_by=actor_or_none(actor),
            filed_at=now,
            late=now > deadline_of(form, day),
        )
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as exc:
            raise ValidationError({"__all__": [_("该单位今天已经填报，请刷新后修改")]}) from exc
        audit_record(
            actor=actor_or_none(actor),
            action=Action.CREATE,
            obj=report,
            object_repr=f"{form.name} {region.name} {day}",
            path=region.path,
            changes={"values": [None, cleaned]},
        )
    return report


__all__ = [
    "daily_form_create",
    "daily_form_field_add",
    "daily_form_field_set_active",
    "daily_form_update",
    "daily_report_file",
    "deadline_of",
    "figure_clash",
]
