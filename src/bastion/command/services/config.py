"""Configuration the county command edits: incident kinds."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from bastion.command.models import IncidentGrade, IncidentKind
from bastion.command.services.common import Checks, actor_or_none, require_county_command
from bastion.core.audit import Action, audit_record

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def incident_kind_save(
    *,
    actor,
    code: str,
    name_zh: str,
    name_en: str = "",
    default_grade: str = IncidentGrade.SIMPLE,
    order: int = 0,
    active: bool = True,
) -> IncidentKind:
    """Create the kind `code` or change it (its code never changes: reports refer to it)."""
    require_county_command(actor)
    code = (code or "").strip()
    checks = Checks()
    if not CODE.match(code):
        checks.fail("code", _("代码须以小写字母开头，只含小写字母、数字和下划线，2-40位"))
    values = {
        "name_zh": checks.text(name_zh, field="name_zh", label=_("中文名称"), max_length=60),
        "name_en": checks.text(
            name_en, field="name_en", label=_("英文名称"), max_length=60, required=False
        ),
    }
    if default_grade not in IncidentGrade.values:
        checks.fail("default_grade", _("请选择默认等级"))
    try:
        order = int(order)
        if not 0 <= order <= 999:
            raise ValueError
    except (TypeError, ValueError):
        checks.fail("order", _("排序须为 0 到 999 的整数"))
    checks.done()
    with transaction.atomic():
        kind = IncidentKind.objects.select_for_update().filter(code=code).first()
        before = None
        if kind is None:
            kind = IncidentKind(code=code)
        else:
            before = {
                f: getattr(kind, f)
                for f in ("name_zh", "name_en", "default_grade", "order", "active")
            }
        kind.name_zh = values["name_zh"]
        kind.name_en = values["name_en"]
        kind.default_grade = default_grade
        kind.order = order
        kind.active = bool(active)
        kind.full_clean()
        kind.save()
        after = {
            f: getattr(kind, f) for f in ("name_zh", "name_en", "default_grade", "order", "active")
        }
        changes = {
            f: [None if before is None else before[f], after[f]]
            for f in after
            if before is None or before[f] != after[f]
        }
        audit_record(
            actor=actor_or_none(actor),
            action=Action.CREATE if before is None else Action.UPDATE,
            obj=kind,
            object_id=kind.code,
            changes=changes,
        )
    return kind
