"""Import jobs: an uploaded roster or region file, its dry run, its run, its error workbook.

The file is kept under MEDIA_ROOT/imports/ with a random name (the original name is
only displayed). Reached through `bastion.people.services`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.importing import ImportMode
from bastion.geo.models import Region
from bastion.people.models import ImportJob

_IMPORT_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt")


def _imports_dir():
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def import_job_create(*, actor, uploaded_file, kind: str, default_grid: Region | None = None):
    """Store an uploaded file under MEDIA_ROOT/imports/ with a random name; return its job."""
    if kind not in ImportJob.Kind.values:
        raise ValidationError({"kind": _("未知的导入类型")})
    filename = PurePath(getattr(uploaded_file, "name", "") or "upload").name[:255]
    suffix = PurePath(filename).suffix.lower()
    if suffix not in _IMPORT_SUFFIXES:
        suffix = ".bin"
    target = _imports_dir() / f"{secrets.token_hex(16)}{suffix}"
    with open(target, "wb") as out:
        if hasattr(uploaded_file, "chunks"):
            for piece in uploaded_file.chunks():
                out.write(piece)
        else:
            while piece := uploaded_file.read(1 << 20):
                out.write(piece)
    job = ImportJob(
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        filename=filename,
        stored_path=str(target),
        default_grid=default_grid,
    )
    job.full_clean()
    job.save()
    return job


def _job_update(job, **fields) -> None:
    for key, value in fields.items():
        setattr(job, key, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _job_import(*, actor, job, dry_run: bool, mode: str, progress=None, error_workbook=None):
    if job.kind == "regions":
        from bastion.geo.importing import regions_import

        report = regions_import(
            actor=actor, source=job.stored_path, filename=job.filename, dry_run=dry_run, mode=mode
        )
        if error_workbook and report.errors:
            _regions_error_workbook(error_workbook, report)
        return report
    from bastion.people.importing import roster_import, roster_preview

    if dry_run:
        return roster_preview(
            actor=actor,
            source=job.stored_path,
            filename=job.filename,
            default_grid=job.default_grid,
            error_workbook=error_workbook,
        )
    return roster_import(
        actor=actor,
        source=job.stored_path,
        filename=job.filename,
        mode=mode,
        default_grid=job.default_grid,
        progress=progress,
        error_workbook=error_workbook,
    )


def _regions_error_workbook(target: str, report) -> None:
    """The region importer reports errors only; list them by row (values not kept)."""
    from bastion.core.tabular import write_error_workbook
    from bastion.geo.importrows import COLUMNS

    by_row: dict[int, list] = {}
    for error in report.errors:
        by_row.setdefault(error.row, []).append(error)
    write_error_workbook(
        target, columns=COLUMNS, rows=((row, {}, errs) for row, errs in sorted(by_row.items()))
    )


def _error_path(job) -> str:
    return str(_imports_dir() / f"{job.public_id.hex}-errors.xlsx")


def import_job_preview(*, actor, job):
    """Dry-run the job's file; the report is stored on the job (status previewed)."""
    errors = _error_path(job)
    report = _job_import(
        actor=actor, job=job, dry_run=True, mode=ImportMode.ALL_OR_NOTHING, error_workbook=errors
    )
    _job_update(
        job,
        status=ImportJob.Status.PREVIEWED,
        total_rows=report.rows_read,
        rows_done=0,
        report=report.as_dict(),
        error_workbook_path=errors if report.error_count and _exists(errors) else "",
    )
    return report


def _exists(path: str) -> bool:
    return os.path.exists(path)


def import_job_run(*, actor, job, mode: str):
    """Run the import in `mode`; progress goes to job.rows_done after every chunk."""
    if mode not in (ImportMode.ALL_OR_NOTHING, ImportMode.VALID_ROWS):
        raise ValidationError({"mode": _("未知的导入方式")})
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.PREVIEWED):
        raise ValidationError(_("这个导入任务已经执行过"))
    _job_update(job, status=ImportJob.Status.RUNNING, mode=mode, rows_done=0)

    side = _progress_connection()

    def progress(rows_done: int) -> None:
        # The import runs in one transaction; progress goes through a second connection
        # (autocommit) so that the progress page sees it. SQLite has one writer: no live
        # progress there.
        job.rows_done = rows_done
        if side is not None:
            with side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET rows_done = %s WHERE id = %s",  # noqa: S608
                    [rows_done, job.pk],
                )

    errors = _error_path(job)
    try:
        report = _job_import(
            actor=actor, job=job, dry_run=False, mode=mode, progress=progress, error_workbook=errors
        )
    except Exception:
        _job_update(job, status=ImportJob.Status.FAILED, finished_at=timezone.now())
        raise
    finally:
        if side is not None:
            side.close()
    ok = report.committed
    _job_update(
        job,
        status=ImportJob.Status.DONE if ok else ImportJob.Status.FAILED,
        rows_done=report.rows_read,
        total_rows=report.rows_read,
        report=report.as_dict(),
        error_workbook_path=errors if report.error_count and _exists(errors) else "",
        finished_at=timezone.now(),
    )
    return report


def _progress_connection():
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    return connections.create_connection("default")


def import_job_error_workbook(job) -> str:
    """Path of the job's error workbook ('' when the last run rejected nothing)."""
    path = job.error_workbook_path
    return path if path and _exists(path) else ""
