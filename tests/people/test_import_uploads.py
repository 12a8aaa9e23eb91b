"""Uploaded rosters hold ID numbers in clear: private files, deleted after the job or
after the retention, rejected rows masked by default, runs that can be repeated."""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import os
import stat
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from bastion.core.importing import ImportMode
from bastion.core.models import AuditEntry
from bastion.people.models import ImportJob, Person
from bastion.people.services import (
    import_job_create,
    import_job_error_workbook,
    import_job_interrupted,
    import_job_preview,
    import_job_run,
    import_uploads_purge,
)

from .conftest import csv_bytes, ident

BAD_ROW_PHONE = "13712340000"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(rows, name="名单.csv"):
    return SimpleUploadedFile(name, csv_bytes(rows).getvalue())


def _job(county, rows):
    job = import_job_create(actor=county.community, uploaded_file=_upload(rows), kind="people")
    import_job_preview(actor=county.community, job=job)
    job.refresh_from_db()
    return job


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_an_upload_is_readable_by_the_server_user_only(county, roster, media):
    os.umask(0o022)
    job = import_job_create(actor=county.community, uploaded_file=_upload(roster), kind="people")
    assert _mode(job.stored_path) == 0o600
    assert _mode(media / "imports") == 0o700


def test_a_finished_import_deletes_its_upload(county, roster, media):
    job = _job(county, roster)
    import_job_run(actor=county.community, job=job, mode=ImportMode.ALL_OR_NOTHING)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert not Path(job.stored_path).exists()


def test_rejected_rows_are_kept_encrypted_and_the_workbook_masks_id_and_phone(
    county, roster, media
):
    bad_id = ident(60)
    roster.append(["坏手机", bad_id, "12345", "no-such-grid", "", "", "", ""])
    job = _job(county, roster)
    stored = Path(job.error_workbook_path).read_bytes()
    assert bad_id.encode() not in stored and _mode(job.error_workbook_path) == 0o600
    out = io.BytesIO()
    assert import_job_error_workbook(job, out)
    sheet = openpyxl.load_workbook(out).active
    row = [c.value for c in sheet[2]]
    assert bad_id not in row and bad_id[:6] + "********" + bad_id[-4:] in row
    full = io.BytesIO()
    import_job_error_workbook(job, full, masked=False)
    assert bad_id in [c.value for c in openpyxl.load_workbook(full).active[2]]


def test_the_error_download_is_masked_and_the_full_one_is_audited(county, roster, media, login):
    bad_id = ident(61)
    roster.append(["坏人", bad_id, "", "no-such-grid", "", "", "", ""])
    client = login(county.gridworker)
    upload = _upload([[*r[:3], county.grid_a1_1.code, *r[4:]] for r in roster[:1]] + roster[3:])
    client.post("/people/import/", {"file": upload})
    job = ImportJob.objects.get(created_by=county.gridworker)
    masked = client.get(f"/people/import/{job.public_id}/errors/")
    assert masked.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(masked.streaming_content))).active
    assert bad_id not in [c.value for c in sheet[2]]
    assert not AuditEntry.objects.filter(action="reveal", object_id=str(job.public_id)).exists()
    full = client.get(f"/people/import/{job.public_id}/errors/?full=1")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(full.streaming_content))).active
    assert bad_id in [c.value for c in sheet[2]]
    assert AuditEntry.objects.filter(action="reveal", object_id=str(job.public_id)).exists()


def test_the_full_error_download_needs_the_reveal_permission(county, media, login, settings):
    from bastion.access.roles import Role
    from tests.conftest import make_user

    user = make_user("regions_only", Role.COUNTY_COMMAND, county.county)
    upload = SimpleUploadedFile("r.csv", "代码,名称,上级代码,级别\n1,坏,2,网格\n".encode())
    job = import_job_create(actor=user, uploaded_file=upload, kind="regions")
    import_job_preview(actor=user, job=job)
    from bastion.access.models import RoleAssignment

    RoleAssignment.objects.filter(user=user).update(role=Role.ORG_DEPARTMENT)
    response = login(user).get(f"/people/import/{job.public_id}/errors/?full=1")
    assert response.status_code in (403, 404)


def _age(job, hours: int) -> None:
    then = timezone.now() - dt.timedelta(hours=hours)
    ImportJob.objects.filter(pk=job.pk).update(created_at=then, started_at=None, finished_at=None)


def test_an_abandoned_upload_is_purged_after_the_retention(county, roster, media, settings):
    settings.BASTION_IMPORT_RETENTION_HOURS = 24
    roster.append(["坏人", "123", "", county.grid_a1_1.code, "", "", "", ""])
    old, fresh = _job(county, roster), _job(county, roster)
    _age(old, 25)
    _age(fresh, 23)
    dry = import_uploads_purge(dry_run=True)
    assert dry.uploads == 1 and dry.error_files == 1 and Path(old.stored_path).exists()
    result = import_uploads_purge()
    assert (result.uploads, result.error_files, result.jobs_expired) == (1, 1, 1)
    assert not Path(old.stored_path).exists() and Path(fresh.stored_path).exists()
    old.refresh_from_db()
    assert old.status == ImportJob.Status.EXPIRED and old.stored_path == ""
    with pytest.raises(ValidationError):
        import_job_run(actor=county.community, job=old, mode=ImportMode.VALID_ROWS)


def test_purge_command_reports_the_removed_uploads(county, roster, media, settings):
    job = _job(county, roster)
    _age(job, 48)
    stray = media / "imports" / ("0" * 32 + ".csv")
    stray.write_bytes(b"x")
    os.utime(stray, (0, 0))
    out = io.StringIO()
    call_command("purge", stdout=out)
    text = out.getvalue()
    assert "上传的导入文件：1" in text and "无主文件：1" in text
    assert not stray.exists() and not Path(job.stored_path).exists()


def test_a_killed_import_can_be_run_again_from_the_same_upload(county, roster, media):
    job = _job(county, roster)
    # What a killed worker leaves: the job marked running, nothing written, no lock held.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    job.refresh_from_db()
    assert import_job_interrupted(job)
    import_job_run(actor=county.community, job=job, mode=ImportMode.ALL_OR_NOTHING)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Person.objects.filter(name="周三").exists()


def test_a_running_import_is_not_started_twice(county, roster, media):
    job = _job(county, roster)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    job.refresh_from_db()
    fd = os.open(job.stored_path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another worker is running it
        assert not import_job_interrupted(job)
        with pytest.raises(ValidationError):
            import_job_run(actor=county.community, job=job, mode=ImportMode.VALID_ROWS)
    finally:
        os.close(fd)


def test_a_failed_import_can_be_run_again_in_valid_rows_mode(county, roster, media):
    roster.append(["坏人", "123", "", county.grid_a1_1.code, "", "", "", ""])
    job = _job(county, roster)
    import_job_run(actor=county.community, job=job, mode=ImportMode.ALL_OR_NOTHING)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and Path(job.stored_path).exists()
    import_job_run(actor=county.community, job=job, mode=ImportMode.VALID_ROWS)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.report["created"] == 3


def test_the_interrupted_job_page_offers_to_run_again(county, login, media):
    client = login(county.gridworker)
    rows = [["甲", ident(70), "", county.grid_a1_1.code, "", "", "", ""]]
    client.post("/people/import/", {"file": _upload(rows)})
    job = ImportJob.objects.get(created_by=county.gridworker)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    page = client.get(f"/people/import/{job.public_id}/")
    assert "被中断" in page.content.decode() and page.context["can_rerun"]
    client.post(f"/people/import/{job.public_id}/run/", {"mode": ImportMode.ALL_OR_NOTHING})
    assert Person.objects.filter(name="甲").exists()
