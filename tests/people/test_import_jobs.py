"""Import jobs (the web page's backing services) and the `bastion import` command."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from bastion.core.importing import ImportMode
from bastion.people.models import ImportJob, Person
from bastion.people.services import (
    import_job_create,
    import_job_error_workbook,
    import_job_preview,
    import_job_run,
)

from .conftest import csv_bytes


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(rows, name="名单 (1).csv"):
    return SimpleUploadedFile(name, csv_bytes(rows).getvalue())


def test_job_stores_file_under_random_name(county, roster, media):
    job = import_job_create(actor=county.community, uploaded_file=_upload(roster), kind="people")
    path = Path(job.stored_path)
    assert path.parent == media / "imports" and path.exists()
    assert "名单" not in path.name and path.suffix == ".csv"
    assert job.filename == "名单 (1).csv" and job.status == ImportJob.Status.UPLOADED


def test_job_preview_then_run(county, roster, media):
    job = import_job_create(actor=county.community, uploaded_file=_upload(roster), kind="people")
    before = Person.objects.count()
    report = import_job_preview(actor=county.community, job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED and job.total_rows == 3
    assert report.created == 3 and Person.objects.count() == before
    assert not import_job_error_workbook(job, io.BytesIO())
    import_job_run(actor=county.community, job=job, mode=ImportMode.ALL_OR_NOTHING)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.rows_done == 3
    assert job.report["created"] == 3 and Person.objects.count() == before + 3


def test_job_with_errors_has_error_workbook_and_fails_all_or_nothing(county, roster, media):
    roster.append(["坏人", "123", "", county.grid_a1_1.code, "", "", "", ""])
    job = import_job_create(actor=county.community, uploaded_file=_upload(roster), kind="people")
    import_job_preview(actor=county.community, job=job)
    workbook = io.BytesIO()
    assert import_job_error_workbook(job, workbook)
    assert openpyxl.load_workbook(workbook).active.max_row == 2
    import_job_run(actor=county.community, job=job, mode=ImportMode.ALL_OR_NOTHING)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not job.report["committed"]


def test_job_valid_rows_mode(county, roster, media):
    roster.append(["坏人", "123", "", county.grid_a1_1.code, "", "", "", ""])
    job = import_job_create(actor=county.community, uploaded_file=_upload(roster), kind="people")
    import_job_run(actor=county.community, job=job, mode=ImportMode.VALID_ROWS)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.report["created"] == 3


def test_job_cannot_run_twice(county, roster, media):
    from django.core.exceptions import ValidationError

    job = import_job_create(actor=county.community, uploaded_file=_upload(roster), kind="people")
    import_job_run(actor=county.community, job=job, mode=ImportMode.VALID_ROWS)
    with pytest.raises(ValidationError):
        import_job_run(actor=county.community, job=job, mode=ImportMode.VALID_ROWS)


def test_regions_job(county, media):
    rows = "code,name,parent_code,level\n430121001001003,松雅第三网格,430121001001,grid\n"
    header = "编码,名称,上级编码,层级\n"
    upload = SimpleUploadedFile("regions.csv", (header + rows.split("\n", 1)[1]).encode())
    job = import_job_create(actor=county.command, uploaded_file=upload, kind="regions")
    report = import_job_preview(actor=county.command, job=job)
    assert report.dry_run


# --- the command -----------------------------------------------------------------------


def _file(tmp_path, rows, name="roster.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows).getvalue())
    return path


def test_command_imports_people(county, roster, tmp_path, capsys):
    path = _file(tmp_path, roster)
    call_command("import", "people", str(path), "--as", "community")
    out = capsys.readouterr().out
    assert "新建3" in out and "导入完成" in out
    assert Person.objects.filter(name="周三").exists()


def test_command_dry_run_writes_nothing(county, roster, tmp_path, capsys):
    before = Person.objects.count()
    call_command("import", "people", str(_file(tmp_path, roster)), "--dry-run")
    assert "未写入" in capsys.readouterr().out and Person.objects.count() == before


def test_command_exits_nonzero_when_rows_rejected(county, roster, tmp_path, capsys):
    roster.append(["坏人", "123", "", county.grid_a1_1.code, "", "", "", ""])
    errors = tmp_path / "errors.xlsx"
    before = Person.objects.count()
    with pytest.raises(SystemExit) as info:
        call_command("import", "people", str(_file(tmp_path, roster)), "--errors", str(errors))
    assert info.value.code == 1 and Person.objects.count() == before
    out = capsys.readouterr().out
    assert "第5行 身份证号：" in out and errors.exists()


def test_command_valid_rows_and_default_grid(county, tmp_path, capsys):
    from .conftest import ident

    path = tmp_path / "r.csv"
    path.write_bytes(csv_bytes([["甲", ident(1)], ["乙", "bad"]], ["姓名", "身份证号"]).getvalue())
    call_command("import", "people", str(path), "--valid-rows", "--grid", county.grid_a1_2.code)
    assert Person.objects.get(name="甲").region == county.grid_a1_2


def test_command_unreadable_file(county, tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"garbage")
    with pytest.raises(SystemExit):
        call_command("import", "people", str(path))
    assert "文件无法导入" in capsys.readouterr().out


def test_command_imports_regions(county, tmp_path, capsys):
    from bastion.geo.models import Region

    path = tmp_path / "regions.csv"
    path.write_text(
        "代码,名称,上级代码,级别\n430121001001003,松雅第三网格,430121001001,网格\n",
        encoding="utf-8",
    )
    call_command("import", "regions", str(path))
    assert Region.objects.filter(code="430121001001003").exists()
