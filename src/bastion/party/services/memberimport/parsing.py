"""The roster's columns and how a row is read: dates, yes/no flags, member status, the
actor's organizations and the county's grids, and row errors by column."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.core.tabular import Column, RowError
from bastion.geo.models import Level, Region
from bastion.party.models import MemberStatus, Organization
from bastion.party.services.common import is_system

COLUMNS = [
    Column("name", "姓名", ("名字",), required=True),
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "证件号码", "身份证", "公民身份证号"),
        required=True,
    ),
    Column("phone", "手机号", ("手机", "手机号码", "联系电话", "电话", "联系方式")),
    Column("grid", "居住网格", ("网格", "所属网格", "网格编码", "网格名称")),
    Column("organization", "党组织", ("所在党组织", "党组织代码", "组织代码", "所在支部")),
    Column("status", "党员类别", ("党员状态", "类别", "正式/预备")),
    Column("joined_party_on", "入党日期", ("入党时间",)),
    Column("occupation", "职业", ("职务", "岗位")),
    Column("employer", "工作单位", ("单位", "所在单位")),
    Column("is_employed", "在职党员", ("是否在职", "在职")),
    Column("is_medical_worker", "医务人员", ("是否医务人员", "医务工作者")),
    Column("is_cadre", "干部", ("是否干部",)),
]
LABELS = {c.key: c.label for c in COLUMNS}
FIELD_COLUMN = {
    "name": "name",
    "id_number": "id_number",
    "phone": "phone",
    "grid": "grid",
    "person": "id_number",
    "organization": "organization",
    "status": "status",
    "joined_party_on": "joined_party_on",
    "occupation": "occupation",
    "employer": "employer",
}
YES = {"是", "y", "yes", "true", "1", "√", "✓", "在职"}
NO = {"否", "n", "no", "false", "0", "×", "", "不在职"}
STATUS_WORDS = {
    "正式党员": MemberStatus.FULL,
    "正式": MemberStatus.FULL,
    "full": MemberStatus.FULL,
    "预备党员": MemberStatus.PROBATIONARY,
    "预备": MemberStatus.PROBATIONARY,
    "probationary": MemberStatus.PROBATIONARY,
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def _date(text: str) -> dt.date:
    text = text.strip().split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(text)


def _flag(text: str) -> bool:
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(text)


@dataclass
class _Context:
    actor: Any
    orgs: dict[str, Organization | None]
    grids: dict[str, Region | None]
    default_org: Organization | None
    seen: dict[str, int] = field(default_factory=dict)


def _organizations(actor) -> dict[str, Organization | None]:
    """Open organizations the actor manages, by code and by name (None: ambiguous name)."""
    from bastion.party.selectors import organization_list

    known: dict[str, Organization | None] = {}
    by_name: dict[str, Organization | None] = {}
    qs = Organization.objects.filter(closed_on__isnull=True)
    if not is_system(actor):
        qs = organization_list(user=actor, perm=Perm.PARTY_MANAGE).filter(closed_on__isnull=True)
    fields = ("pk", "code", "name", "path", "region_path", "closed_on", "tier")
    for org in qs.select_related(None).only(*fields):
        known[org.code.lower()] = org
        by_name[org.name] = None if org.name in by_name else org
    for name, org in by_name.items():
        known.setdefault(name.lower(), org)
    return known


def _grids() -> dict[str, Region | None]:
    """Every grid by code, and by name where the name is unique: a member's home may lie
    anywhere in the county (docs/decisions/0022)."""
    known: dict[str, Region | None] = {}
    names: dict[str, Region | None] = {}
    for grid in Region.objects.filter(level=Level.GRID).only("pk", "code", "name", "path", "level"):
        known[grid.code] = grid
        names[grid.name] = None if grid.name in names else grid
    for name, grid in names.items():
        known.setdefault(name, grid)
    return known


def _parse(number: int, row: dict[str, str], ctx: _Context) -> tuple[dict, list[RowError]]:
    errors: list[RowError] = []

    def err(key: str, message: str) -> None:
        errors.append(RowError(number, LABELS[key], message))

    parsed: dict[str, Any] = {
        "name": row.get("name", ""),
        "id_number": row.get("id_number", "").strip().upper(),
        "phone": row.get("phone", ""),
        "occupation": row.get("occupation", ""),
        "employer": row.get("employer", ""),
    }
    org_text = row.get("organization", "").strip()
    org = ctx.orgs.get(org_text.lower()) if org_text else ctx.default_org
    if org is None:
        err(
            "organization",
            _("找不到党组织或不在您的管理范围：%(v)s") % {"v": org_text}
            if org_text
            else _("请填写党组织（代码或名称），或在上传时选择默认党组织"),
        )
    parsed["organization"] = org
    grid_text = row.get("grid", "").strip()
    parsed["grid"] = ctx.grids.get(grid_text) if grid_text else None
    if grid_text and parsed["grid"] is None:
        err("grid", _("找不到网格（请填写网格编码）：%(v)s") % {"v": grid_text})
    status_text = row.get("status", "").strip()
    parsed["status"] = STATUS_WORDS.get(status_text.lower(), None) if status_text else "full"
    if parsed["status"] is None:
        err("status", _("党员类别应为“正式党员”或“预备党员”：%(v)s") % {"v": status_text})
    joined = row.get("joined_party_on", "").strip()
    parsed["joined_party_on"] = None
    if joined:
        try:
            parsed["joined_party_on"] = _date(joined)
        except ValueError:
            err("joined_party_on", _("日期格式不正确：%(v)s（应为 2005-07-01）") % {"v": joined})
    for key in ("is_employed", "is_medical_worker", "is_cadre"):
        try:
            parsed[key] = _flag(row.get(key, ""))
        except ValueError:
            err(key, _("应填“是”或“否”：%(v)s") % {"v": row.get(key, "")})
    return parsed, errors


def _errors_of(number: int, exc: ValidationError) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [
            RowError(number, LABELS[FIELD_COLUMN.get(key, "name")], str(message))
            for key, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [RowError(number, LABELS["name"], m) for m in exc.messages]
