"""Import jobs: an uploaded file, its dry run, its run, its rejected rows, its retention.

The upload is kept under MEDIA_ROOT/imports/ (directory 0700, file 0600) with a random
name (the original name is only displayed). It is deleted as soon as the import is
done; an upload that is never run, or whose run failed, stays at most
`BASTION_IMPORT_RETENTION_HOURS` after its last use, so that it can be run (again)
from the same file, then `import_uploads_purge` deletes it. The rejected rows are kept
encrypted for the error workbook, under the same retention.

A run is one database transaction, so a killed run has written nothing. While it
runs it holds an exclusive lock (flock) on the upload; a job left "running" whose lock
is free was interrupted and may be run again from the same upload.

Reached through `bastion.people.services`. Importers other than the roster and the
region tree (the observation list) pass their own `importer`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.importing import ImportMode, ImportReport
from bastion.core.tabular import SealedErrorRows
from bastion.geo.models import Region
from bastion.people.models import ImportJob

_IMPORT_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt")
_SEALED_SUFFIX = "-errors.sealed"
RUNNABLE = (
    ImportJob.Status.UPLOADED,
    ImportJob.Status.PREVIEWED,
    ImportJob.Status.FAILED,
    ImportJob.Status.RUNNING,  # only when interrupted (its lock is free)
)

Importer = Callable[..., ImportReport]


def retention() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "BASTION_IMPORT_RETENTION_HOURS", 24))


def imports_dir() -> Path:
    """MEDIA_ROOT/imports/, readable by the server's user only."""
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path):
    """A new file only the server's user may read or write (0600, whatever the umask)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def import_job_create(
    *,
    actor,
    uploaded_file,
    kind: str,
    default_grid: Region | None = None,
    options: dict | None = None,
):
    """Store an uploaded file privately with a random name; return its job."""
    if kind not in ImportJob.Kind.values:
        raise ValidationError({"kind": _("未知的导入类型")})
    filename = PurePath(getattr(uploaded_file, "name", "") or "upload").name[:255]
    suffix = PurePath(filename).suffix.lower()
    if suffix not in _IMPORT_SUFFIXES:
        suffix = ".bin"
    target = imports_dir() / f"{secrets.token_hex(16)}{suffix}"
    with private_file(target) as out:
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
        options=options or {},
    )
    job.full_clean()
    job.save()
    return job


def _job_update(job, **fields) -> None:
    for key, value in fields.items():
        setattr(job, key, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _default_importer(*, actor, job, dry_run: bool, mode: str, progress=None, error_workbook=None):
    if job.kind == ImportJob.Kind.REGIONS:
        from bastion.geo.importing import regions_import

        report = regions_import(
            actor=actor, source=job.stored_path, filename=job.filename, dry_run=dry_run, mode=mode
        )
        if error_workbook and report.errors:
            _regions_error_workbook(error_workbook, report)
        return report
    if job.kind != ImportJob.Kind.PEOPLE:
        raise ValueError(f"no importer given for {job.kind} jobs")
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


def _regions_error_workbook(target, report) -> None:
    """The region importer reports errors only; list them by row (values not kept)."""
    from bastion.core.tabular import write_error_workbook
    from bastion.geo.importrows import COLUMNS

    by_row: dict[int, list] = {}
    for error in report.errors:
        by_row.setdefault(error.row, []).append(error)
    write_error_workbook(
        target, columns=COLUMNS, rows=((row, {}, errs) for row, errs in sorted(by_row.items()))
    )


def _sealed(job) -> SealedErrorRows:
    return SealedErrorRows(imports_dir() / f"{job.public_id.hex}{_SEALED_SUFFIX}")


def _upload_exists(job) -> bool:
    return bool(job.stored_path) and os.path.isfile(job.stored_path)


def _check_upload(job) -> None:
    if job.status == ImportJob.Status.EXPIRED or not _upload_exists(job):
        raise ValidationError(_("上传的文件已过期删除，请重新上传"))


def import_job_preview(*, actor, job, importer: Importer | None = None):
    """Dry-run the job's file; the report is stored on the job (status previewed)."""
    _check_upload(job)
    sealed = _sealed(job)
    with contextlib.suppress(FileNotFoundError):
        sealed.path.unlink()
    report = (importer or _default_importer)(
        actor=actor, job=job, dry_run=True, mode=ImportMode.ALL_OR_NOTHING, error_workbook=sealed
    )
    _job_update(
        job,
        status=ImportJob.Status.PREVIEWED,
        total_rows=report.rows_read,
        rows_done=0,
        report=report.as_dict(),
        error_workbook_path=str(sealed.path) if report.error_count and sealed.exists() else "",
    )
    return report


@contextlib.contextmanager
def _run_lock(job) -> Iterator[bool]:
    """Hold the job's run lock (an exclusive flock on its upload); yields False when
    another process holds it. The operating system releases it when a run is killed."""
    try:
        fd = os.open(job.stored_path, os.O_RDONLY)
    except FileNotFoundError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def import_job_interrupted(job) -> bool:
    """A job left "running" by a process that no longer runs it (killed, crashed)."""
    if job.status != ImportJob.Status.RUNNING or not _upload_exists(job):
        return False
    with _run_lock(job) as held:
        return held


def import_job_run(*, actor, job, mode: str, importer: Importer | None = None):
    """Run the import in `mode`; progress goes to job.rows_done after every chunk.

    Allowed from an upload not yet run, a failed run, or an interrupted one; the same
    upload is read again (nothing of a failed or killed run was written).
    """
    if mode not in (ImportMode.ALL_OR_NOTHING, ImportMode.VALID_ROWS):
        raise ValidationError({"mode": _("未知的导入方式")})
    job.refresh_from_db()
    if job.status not in RUNNABLE:
        raise ValidationError(_("这个导入任务已经执行过"))
    _check_upload(job)
    with _run_lock(job) as held:
        if not held:
            raise ValidationError(_("这个导入任务正在执行，请稍候再看结果"))
        return _run_locked(actor=actor, job=job, mode=mode, importer=importer)


def _run_locked(*, actor, job, mode: str, importer: Importer | None):
    _job_update(
        job, status=ImportJob.Status.RUNNING, mode=mode, rows_done=0, started_at=timezone.now()
    )
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

    sealed = _sealed(job)
    with contextlib.suppress(FileNotFoundError):
        sealed.path.unlink()
    try:
        report = (importer or _default_importer)(
            actor=actor,
            job=job,
            dry_run=False,
            mode=mode,
            progress=progress,
            error_workbook=sealed,
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
        error_workbook_path=str(sealed.path) if report.error_count and sealed.exists() else "",
        finished_at=timezone.now(),
    )
    if ok:  # nothing left to run: the plaintext upload goes at once
        with contextlib.suppress(FileNotFoundError):
            os.unlink(job.stored_path)
    return report


def _progress_connection():
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    return connections.create_connection("default")


def import_job_has_errors_file(job) -> bool:
    path = job.error_workbook_path
    return bool(path) and os.path.isfile(path)


def import_job_error_workbook(job, target, *, masked: bool = True) -> bool:
    """Write the job's rejected rows as an .xlsx to `target` (ID and phone numbers masked
    unless `masked=False`: callers check Perm.PII_REVEAL and audit). False when none."""
    if not import_job_has_errors_file(job):
        return False
    SealedErrorRows(job.error_workbook_path).to_workbook(target, masked=masked)
    return True


@dataclass
class UploadPurge:
    uploads: int = 0  # uploaded files deleted
    error_files: int = 0  # encrypted rejected-row files deleted
    orphans: int = 0  # files in imports/ that no job refers to
    jobs_expired: int = 0

    def as_dict(self) -> dict:
        return {
            "uploads": self.uploads,
            "error_files": self.error_files,
            "orphans": self.orphans,
            "jobs_expired": self.jobs_expired,
        }


def _last_used(job) -> dt.datetime:
    return max(t for t in (job.created_at, job.started_at, job.finished_at) if t is not None)


def _remove(path: str, dry_run: bool) -> bool:
    if not path or not os.path.isfile(path):
        return False
    if not dry_run:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    return True


def import_uploads_purge(*, now: dt.datetime | None = None, dry_run: bool = False) -> UploadPurge:
    """Delete uploads and rejected rows of jobs left alone past the retention (a finished
    job's upload at once), and stray files in imports/; returns the counts."""
    now = now or timezone.now()
    cutoff = now - retention()
    result = UploadPurge()
    referenced: set[str] = set()
    jobs = ImportJob.objects.exclude(stored_path="", error_workbook_path="")
    for job in jobs.iterator(chunk_size=500):
        referenced.update(p for p in (job.stored_path, job.error_workbook_path) if p)
        stale = _last_used(job) < cutoff
        if job.status == ImportJob.Status.RUNNING and not import_job_interrupted(job):
            continue  # a run in progress keeps its file, however long it takes
        upload_gone = False
        if job.status == ImportJob.Status.DONE or stale:
            upload_gone = _remove(job.stored_path, dry_run)
            result.uploads += upload_gone
        if stale:
            result.error_files += _remove(job.error_workbook_path, dry_run)
        if dry_run or not (upload_gone or stale):
            continue
        fields: dict = {"stored_path": ""}
        if stale:
            fields["error_workbook_path"] = ""
            if job.status != ImportJob.Status.DONE:
                fields["status"] = ImportJob.Status.EXPIRED
                result.jobs_expired += 1
        _job_update(job, **fields)
    directory = imports_dir()
    for entry in directory.iterdir():
        if str(entry) in referenced or not entry.is_file():
            continue
        modified = dt.datetime.fromtimestamp(entry.stat().st_mtime, tz=dt.UTC)
        if modified < cutoff:
            result.orphans += _remove(str(entry), dry_run)
    return result
