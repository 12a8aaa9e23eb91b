"""Venue kinds and their inspection checklists, kept by the county command."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import region_paths
from bastion.campaigns.models import VenueKind
from bastion.core.audit import Action, audit_record

CHECKLIST_MAX = 30
_KIND_CODE = re.compile(r"[a-z][a-z0-9_]{1,29}")


def may_edit_kinds(actor) -> bool:
    """Kinds and checklists are county-wide: CAMPAIGN_MANAGE held at a county."""
    paths = region_paths(actor, Perm.CAMPAIGN_MANAGE)
    return paths is None or any(p.count("/") == 1 for p in paths)


def _clean_checklist(items) -> list[str]:
    if isinstance(items, str):
        items = items.splitlines()
    cleaned: list[str] = []
    for item in items or []:
        text = str(item).strip()
        if text and text not in cleaned:
            cleaned.append(text[:100])
    if len(cleaned) > CHECKLIST_MAX:
        raise ValidationError({"checklist": [_("检查项最多 %(n)d 条") % {"n": CHECKLIST_MAX}]})
    return cleaned


@transaction.atomic
def venue_kind_save(
    *,
    actor,
    kind: VenueKind | None = None,
    code: str = "",
    name_zh: str,
    name_en: str = "",
    checklist,
    order: int = 100,
    active: bool = True,
) -> VenueKind:
    """Create a kind (kind=None, with a new `code`) or change one (its code stays)."""
    if not may_edit_kinds(actor):
        raise PermissionDenied(_("只有县指挥部可以修改场所类型"))
    errors: dict[str, list[str]] = {}
    name_zh = (name_zh or "").strip()
    if not name_zh:
        errors["name_zh"] = [_("名称不能为空")]
    creating = kind is None
    if creating:
        code = (code or "").strip()
        if not _KIND_CODE.fullmatch(code):
            errors["code"] = [_("代码应为 2-30 位小写字母、数字或下划线，以字母开头")]
        elif VenueKind.objects.filter(code=code).exists():
            errors["code"] = [_("代码 %(code)s 已存在") % {"code": code}]
    try:
        items = _clean_checklist(checklist)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        items = []
    if errors:
        raise ValidationError(errors)
    before = None if creating else (kind.name_zh, list(kind.checklist), kind.active)
    kind = kind or VenueKind(code=code)
    kind.name_zh = name_zh[:40]
    kind.name_en = (name_en or "").strip()[:60]
    kind.checklist = items
    kind.order = max(0, min(int(order or 0), 999))
    kind.active = bool(active)
    kind.full_clean()
    kind.save()
    audit_record(
        actor=actor,
        action=Action.CREATE if creating else Action.UPDATE,
        obj=kind,
        changes={
            "name": [None if before is None else before[0], kind.name_zh],
            "checklist": [None if before is None else len(before[1]), len(items)],
            "active": [None if before is None else before[2], kind.active],
        },
    )
    return kind
