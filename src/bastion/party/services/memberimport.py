"""Import of party-member rosters (.xlsx / .csv), on the foundation's import stack.

Each row registers (or merges into) the person through `people.services.person_link_or_register`
and enrolls them with `member_enroll`, so an import writes exactly what the forms do.
A row for someone already a member of that organization is skipped, not rejected. The
run is one transaction: a dry run, or an all-or-nothing run with a rejected row, rolls
back at the end, so the preview is exactly what the import will do; "valid rows only"
writes the rows that pass. Rejected rows go to an error workbook.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_org_or_region
from bastion.core.audit import Action, audit_record
from bastion.core.importing import ImportMode, ImportReport
from bastion.core.masking import mask_id_number
from bastion.core.tabular import Column, RowError, TableError, read_table, write_error_workbook
from bastion.geo.models import Level, Region
from bastion.party.models import MemberImport, MemberStatus, Organization, PartyMember
from bastion.party.services.common import is_system
from bastion.party.services.members import already_member_message, member_enroll
from bastion.people.importjobs import imports_dir, private_file
from bastion.people.services import PersonInput, person_link_or_register

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
PREVIEW_ROWS = 50
IMPORT_SUFFIXES = (".csv", ".xlsx", ".xlsm")


class _Rollback(Exception):
    pass


@dataclass
class MemberImportReport(ImportReport):
    """ImportReport plus rows skipped because the person already belongs to that
    organization, and how many people were new to the registry."""

    skipped: int = 0
    people_created: int = 0
    skipped_rows: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = super().as_dict()
        data.update(
            skipped=self.skipped, people_created=self.people_created, skipped_rows=self.skipped_rows
        )
        return data


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


def _row(number: int, parsed: dict, ctx: _Context, report: MemberImportReport) -> str:
    """Register the person and enroll them; returns the preview action. ValidationError
    for a row that cannot go in."""
    key = parsed["id_number"]
    if key in ctx.seen:
        raise ValidationError({"id_number": [_("与第%(n)d行重复") % {"n": ctx.seen[key]}]})
    result = person_link_or_register(
        actor=ctx.actor,
        data=PersonInput(
            name=parsed["name"],
            id_number=parsed["id_number"],
            phone=parsed["phone"],
            grid=parsed["grid"],
        ),
    )
    ctx.seen[key] = number
    organization: Organization = parsed["organization"]
    existing = (
        PartyMember.objects.filter(person=result.person).select_related("organization").first()
    )
    if existing is not None:
        if existing.organization_id == organization.pk:
            return "skipped"
        raise ValidationError({"organization": [already_member_message(ctx.actor, existing)]})
    try:
        member_enroll(
            actor=ctx.actor,
            person=result.person,
            organization=organization,
            status=parsed["status"],
            joined_party_on=parsed["joined_party_on"],
            occupation=parsed["occupation"],
            employer=parsed["employer"],
            is_employed=parsed["is_employed"],
            is_medical_worker=parsed["is_medical_worker"],
            is_cadre=parsed["is_cadre"],
        )
    except (Http404, PermissionDenied) as exc:
        raise ValidationError({"organization": [_("该党组织不在您的管理范围")]}) from exc
    if result.created:
        report.people_created += 1
        return "created_person"
    return "created"


def _errors_of(number: int, exc: ValidationError) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [
            RowError(number, LABELS[FIELD_COLUMN.get(key, "name")], str(message))
            for key, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [RowError(number, LABELS["name"], m) for m in exc.messages]


ACTION_LABELS = {
    "created_person": gettext_noop("新登记人员并入册"),
    "created": gettext_noop("已有人员，入册"),
    "skipped": gettext_noop("已是该组织党员，跳过"),
    "rejected": gettext_noop("有错误"),
}


def _preview(number: int, row: dict, parsed: dict, action: str, errors: list[RowError]) -> dict:
    org = parsed.get("organization")
    return {
        "row": number,
        "name": row.get("name", ""),
        "id_number": mask_id_number(parsed.get("id_number", "")),
        "organization": org.name if org else row.get("organization", ""),
        "action": action,
        "action_label": _(ACTION_LABELS.get(action, "")) if action else "",
        "errors": [e.text() for e in errors],
    }


def member_import(
    *,
    actor,
    source: str | Path | IO[bytes],
    filename: str,
    dry_run: bool = True,
    mode: str = ImportMode.ALL_OR_NOTHING,
    default_organization: Organization | None = None,
    error_workbook: str | Path | IO[bytes] | None = None,
) -> MemberImportReport:
    """Dry run (default) or import a member roster; writes an error workbook if asked."""
    if mode not in (ImportMode.ALL_OR_NOTHING, ImportMode.VALID_ROWS):
        raise ValidationError({"mode": [_("未知的导入方式")]})
    report = MemberImportReport(dry_run=dry_run, mode=mode)
    ctx = _Context(actor, _organizations(actor), _grids(), default_organization)
    rejected_rows: list[tuple[int, dict[str, str], list[RowError]]] = []
    try:
        with transaction.atomic():
            for number, row in read_table(source, filename=filename, columns=COLUMNS):
                report.rows_read += 1
                parsed, errors = _parse(number, row, ctx)
                action = ""
                if not errors:
                    try:
                        with transaction.atomic():
                            action = _row(number, parsed, ctx, report)
                    except ValidationError as exc:
                        errors = _errors_of(number, exc)
                if errors:
                    action = "rejected"
                    report.rejected += 1
                    for error in errors:
                        report.reject(error)
                    rejected_rows.append((number, row, errors))
                elif action == "skipped":
                    report.skipped += 1
                    report.skipped_rows.append({"row": number, "name": row.get("name", "")})
                else:
                    report.created += 1
                    if action == "created":
                        report.merged += 1
                if len(report.preview) < PREVIEW_ROWS:
                    report.preview.append(_preview(number, row, parsed, action, errors))
            if dry_run or (mode == ImportMode.ALL_OR_NOTHING and report.error_count):
                raise _Rollback
            report.committed = True
            audit_record(
                actor=actor,
                action=Action.IMPORT,
                object_type="party.partymember",
                object_repr=PurePath(filename).name[:200],
                changes={
                    "rows": report.rows_read,
                    "enrolled": report.created,
                    "skipped": report.skipped,
                    "rejected": report.rejected,
                    "mode": mode,
                },
            )
    except _Rollback:
        pass
    except TableError as exc:
        report.file_error = str(exc)
    if error_workbook is not None and rejected_rows:
        write_error_workbook(error_workbook, columns=COLUMNS, rows=rejected_rows)
    return report


# --- The uploaded file between upload, preview and run -------------------------------------


def _imports_dir() -> Path:
    """The people imports' private folder (0700); a member roster left there unclaimed is
    purged with theirs (`people.importjobs.import_uploads_purge`)."""
    return imports_dir()


def member_import_upload(
    *, actor, uploaded_file, default_organization: Organization | None = None
) -> MemberImport:
    """Keep an uploaded roster (random name) and return its import record."""
    filename = PurePath(getattr(uploaded_file, "name", "") or "upload").name[:255]
    suffix = PurePath(filename).suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise ValidationError({"file": [_("只能上传 .xlsx 或 .csv 文件")]})
    limit = getattr(settings, "BASTION_MAX_IMPORT_BYTES", 200 * 1024 * 1024)
    if (getattr(uploaded_file, "size", 0) or 0) > limit:
        raise ValidationError({"file": [_("文件过大")]})
    stored_name = f"party-{secrets.token_hex(16)}{suffix}"
    with private_file(_imports_dir() / stored_name) as out:  # 0600: ID numbers inside
        for piece in uploaded_file.chunks():
            out.write(piece)
    job = MemberImport(
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        default_organization=default_organization,
        filename=filename,
        stored_name=stored_name,
    )
    job.save()
    return job


def member_import_source(job: MemberImport) -> Path:
    path = _imports_dir() / job.stored_name
    if job.status in (MemberImport.Status.DONE,) or not path.exists():
        raise ValidationError({"file": [_("上传的文件已失效，请重新上传")]})
    return path


def member_import_preview(*, actor, job: MemberImport) -> MemberImportReport:
    report = member_import(
        actor=actor,
        source=member_import_source(job),
        filename=job.filename,
        dry_run=True,
        default_organization=job.default_organization,
    )
    MemberImport.objects.filter(pk=job.pk).update(
        status=MemberImport.Status.PREVIEWED, report=report.as_dict()
    )
    job.status, job.report = MemberImport.Status.PREVIEWED, report.as_dict()
    return report


def member_import_execute(*, actor, job: MemberImport, mode: str) -> MemberImportReport:
    """Run the import; the file is removed once it went in."""
    if job.status == MemberImport.Status.DONE:
        raise ValidationError({"file": [_("这个导入已经执行过")]})
    path = member_import_source(job)
    report = member_import(
        actor=actor,
        source=path,
        filename=job.filename,
        dry_run=False,
        mode=mode,
        default_organization=job.default_organization,
    )
    status = MemberImport.Status.DONE if report.committed else MemberImport.Status.FAILED
    MemberImport.objects.filter(pk=job.pk).update(
        status=status, mode=mode, report=report.as_dict(), finished_at=timezone.now()
    )
    job.status, job.mode, job.report = status, mode, report.as_dict()
    if report.committed:
        path.unlink(missing_ok=True)
    return report


def member_import_error_workbook(*, actor, job: MemberImport, target) -> bool:
    """Write the rejected rows of a dry run to `target`; False when none is rejected."""
    report = member_import(
        actor=actor,
        source=member_import_source(job),
        filename=job.filename,
        dry_run=True,
        default_organization=job.default_organization,
        error_workbook=target,
    )
    return bool(report.error_count)


def may_import(actor, organization: Organization | None = None) -> bool:
    if is_system(actor):
        return True
    if organization is not None:
        return can_on_org_or_region(
            actor,
            Perm.PARTY_MANAGE,
            org_path=organization.path,
            region_path=organization.region_path,
        )
    from bastion.access.scoping import has_perm

    return has_perm(actor, Perm.PARTY_MANAGE)
