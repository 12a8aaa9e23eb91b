"""The uploaded roster between upload, preview and run, and who may import."""

from __future__ import annotations

import secrets
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_org_or_region
from bastion.party.models import MemberImport, Organization
from bastion.party.services.common import is_system
from bastion.party.services.memberimport.importer import MemberImportReport, member_import
from bastion.people.importjobs import imports_dir, private_file

IMPORT_SUFFIXES = (".csv", ".xlsx", ".xlsm")


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
