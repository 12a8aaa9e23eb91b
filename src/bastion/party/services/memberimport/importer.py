"""The import run: every row registers (or merges) the person and enrolls them, in one
transaction that a dry run or a rejected all-or-nothing run rolls back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bastion.core.audit import Action, audit_record
from bastion.core.importing import ImportMode, ImportReport
from bastion.core.masking import mask_id_number
from bastion.core.tabular import RowError, TableError, read_table, write_error_workbook
from bastion.party.models import Organization, PartyMember
from bastion.party.services.memberimport.parsing import (
    COLUMNS,
    _Context,
    _errors_of,
    _grids,
    _organizations,
    _parse,
)
from bastion.party.services.members import already_member_message, member_enroll
from bastion.people.services import PersonInput, person_link_or_register

PREVIEW_ROWS = 50


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
