"""Import of the region tree from .csv or .xlsx: code, name, parent code, level (+ boundary).

The file may list children before their parents: rows are resolved by level (county,
then towns, then villages, then grids), so order in the file does not matter. A row
whose parent row is rejected is rejected too. Re-importing the same file changes
nothing; a changed name (or boundary) updates the existing region. Region files are
small (a county has a few thousand rows), so the rows are held in memory.
"""

from __future__ import annotations

from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, restrict_regions
from bastion.core.audit import Action, audit_record
from bastion.core.importing import ImportMode, ImportReport, nothing_to_import_message
from bastion.core.tabular import TableError, read_table
from bastion.geo.importrows import (
    _LOOKUP_CHUNK,
    COLUMNS,
    LABELS,
    PREVIEW_ROWS,
    RowAction,
    _parse_row,
    _Row,
)
from bastion.geo.models import LEVEL_RANK, Level, Region
from bastion.geo.services import (
    region_check_placement,
    region_create,
    region_update,
)


def _existing_regions(codes: set[str]) -> dict[str, Region]:
    found: dict[str, Region] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), _LOOKUP_CHUNK):
        chunk = ordered[start : start + _LOOKUP_CHUNK]
        found.update({r.code: r for r in Region.objects.filter(code__in=chunk)})
    return found


def _differs(region: Region, row: _Row) -> bool:
    if region.name != row.name:
        return True
    if row.boundary is not None and row.boundary != region.boundary:
        return True
    return row.centroid is not None and (region.centroid_lng, region.centroid_lat) != row.centroid


def _hidden_codes(existing: dict[str, Region], actor) -> set[str]:
    """Codes on file that `actor` may not see: the import must not confirm they exist."""
    if actor is None or not existing:
        return set()
    visible = set(
        restrict_regions(Region.objects.filter(code__in=list(existing)), actor).values_list(
            "code", flat=True
        )
    )
    return set(existing) - visible


def _resolve(
    row: _Row,
    by_code: dict[str, _Row],
    existing: dict[str, Region],
    actor,
    hidden: frozenset[str] | set[str] = frozenset(),
) -> None:
    """Find the row's parent (in the file or the database), check placement, pick the action.

    A region the actor may not see reads as missing (parent) or unnamed (code taken), so
    an import cannot probe the tree outside the actor's scope.
    """
    parent_level: str | None = None
    parent_path = ""
    if row.parent_code:
        parent_row = by_code.get(row.parent_code)
        parent_db = existing.get(row.parent_code) if row.parent_code not in hidden else None
        if parent_row is not None:
            if parent_row.rejected:
                row.fail(
                    "parent",
                    _("上级%(code)s（第%(row)d行）有错误，本行未导入")
                    % {"code": row.parent_code, "row": parent_row.number},
                )
                return
            # A parent of a lower rank was resolved before this row; one of the same or a
            # higher rank is a level error, which the placement check below reports.
            row.parent_row = parent_row
            parent_level, parent_path = parent_row.level, parent_row.path
        elif parent_db is not None:
            row.parent_region = parent_db
            parent_level, parent_path = parent_db.level, parent_db.path
        else:
            row.fail("parent", _("上级代码%(code)s不存在") % {"code": row.parent_code})
            return
    elif row.level != Level.COUNTY:
        row.fail("parent", _("缺少上级代码"))
        return
    try:
        region_check_placement(
            code=row.code,
            level=row.level,
            parent_code=row.parent_code or None,
            parent_level=parent_level,
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            row.fail(key, messages[0])
        return
    row.path = f"{parent_path}{row.code}/"
    if actor is not None and not can_on_path(actor, Perm.REGION_IMPORT, row.path):
        row.fail("code", _("代码%(code)s超出您的管辖范围") % {"code": row.code})
        return
    current = existing.get(row.code)
    if current is None:
        row.action = RowAction.CREATE
    elif row.code in hidden:
        row.fail("code", _("代码%(code)s已被使用，上级或级别不同") % {"code": row.code})
    elif current.path != row.path or current.level != row.level:
        row.fail(
            "code",
            _("代码%(code)s已被“%(name)s”使用，上级或级别不同")
            % {"code": row.code, "name": current.name},
        )
    else:
        row.existing = current
        row.action = RowAction.UPDATE if _differs(current, row) else RowAction.UNCHANGED


class _Abort(Exception):
    pass


def _write(rows: list[_Row], *, actor, mode: str) -> None:
    """Create/update in level order; each row in a savepoint so VALID_ROWS can skip one."""
    for row in rows:
        if row.rejected:
            continue
        if row.parent_row is not None and row.parent_row.region is None:
            row.fail(
                "parent",
                _("上级%(code)s（第%(row)d行）有错误，本行未导入")
                % {"code": row.parent_code, "row": row.parent_row.number},
            )
            continue
        parent = row.parent_row.region if row.parent_row is not None else row.parent_region
        try:
            with transaction.atomic():
                if row.action == RowAction.CREATE:
                    row.region = region_create(
                        code=row.code,
                        name=row.name,
                        level=row.level,
                        parent=parent,
                        boundary=row.boundary,
                        centroid=row.centroid,
                        actor=actor,
                        audit=False,
                    )
                elif row.action == RowAction.UPDATE:
                    row.region = region_update(
                        actor=actor,
                        region=row.existing,
                        name=row.name,
                        boundary=row.boundary,
                        centroid=row.centroid,
                        audit=False,
                    )
                else:
                    row.region = row.existing
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                row.fail(key if key in LABELS else "code", messages[0])
            if mode == ImportMode.ALL_OR_NOTHING:
                raise _Abort from exc


def regions_import(
    *,
    actor,
    source: str | IO[bytes],
    filename: str,
    dry_run: bool,
    mode: str = ImportMode.ALL_OR_NOTHING,
    ip_address: str | None = None,
) -> ImportReport:
    """Import regions from a .csv/.xlsx file; see the module docstring for the rules.

    Counts describe the plan (what is, or would be, created / merged / rejected);
    `committed` says whether anything was written. With an `actor`, rows outside the
    actor's REGION_IMPORT scope are rejected; `actor=None` is the command line.
    """
    report = ImportReport(dry_run=dry_run)
    totals: list[int] = []
    try:
        rows = [
            _parse_row(number, values)
            for number, values in read_table(
                source, filename=filename, columns=COLUMNS, totals_rows=totals
            )
        ]
    except TableError as exc:
        report.file_error = str(exc)
        return report
    for number in totals:
        report.skip_totals_row(number)
    report.rows_read = len(rows)
    if not rows:
        report.file_error = nothing_to_import_message()
        return report

    by_code: dict[str, _Row] = {}  # the first row of each code, rejected or not
    for row in rows:
        if not row.code:
            continue
        first = by_code.get(row.code)
        if first is not None:
            row.fail("code", _("代码重复：与第%(row)d行相同") % {"row": first.number})
        else:
            by_code[row.code] = row
    existing = _existing_regions(set(by_code) | {r.parent_code for r in rows if r.parent_code})
    hidden = _hidden_codes(existing, actor)
    ordered = sorted(
        (r for r in rows if not r.rejected), key=lambda r: (LEVEL_RANK[Level(r.level)], r.number)
    )
    for row in ordered:
        _resolve(row, by_code, existing, actor, hidden)

    plan_has_errors = any(r.rejected for r in rows)
    if not dry_run and not (plan_has_errors and mode == ImportMode.ALL_OR_NOTHING):
        try:
            with transaction.atomic():
                _write(ordered, actor=actor, mode=mode)
                written = [r for r in rows if r.region is not None]
                if written:
                    audit_record(
                        actor=actor,
                        action=Action.IMPORT,
                        object_type="geo.region",
                        object_repr=filename[:200],
                        changes=_summary(rows, filename),
                        ip_address=ip_address,
                    )
            report.committed = bool(written)
        except _Abort:
            report.committed = False
    _fill_report(report, rows)
    return report


def _summary(rows: list[_Row], filename: str) -> dict:
    actions = [r.action for r in rows]
    return {
        "file": filename,
        "created": actions.count(RowAction.CREATE),
        "updated": actions.count(RowAction.UPDATE),
        "unchanged": actions.count(RowAction.UNCHANGED),
        "rejected": actions.count(RowAction.REJECT),
    }


def _fill_report(report: ImportReport, rows: list[_Row]) -> None:
    for row in sorted(rows, key=lambda r: r.number):
        if row.rejected:
            report.rejected += 1
            for error in row.errors:
                report.reject(error)
        elif row.action == RowAction.CREATE:
            report.created += 1
        else:
            report.merged += 1
    for row in rows[:PREVIEW_ROWS]:
        report.preview.append(
            {
                "row": row.number,
                "code": row.code,
                "name": row.name,
                "level": row.level,
                "parent": row.parent_code,
                "action": row.action,
                "message": "；".join(e.message for e in row.errors),
            }
        )
