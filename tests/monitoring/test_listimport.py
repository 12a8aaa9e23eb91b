"""Import of pushed-down lists: dry run, row/column errors, duplicates, valid rows, page."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from bastion.core.idnumber import make_id_number
from bastion.core.importing import ImportMode
from bastion.monitoring.models import Observation
from bastion.monitoring.services.listimport import list_import
from bastion.people.identity import reveal_id_number

HEADER = "姓名,公民身份号码,手机,类别,从何地来,到达日期,交通方式,车次/航班号,网格\n"


def _csv(county, *, bad=False, zhang=True) -> bytes:
    new_id = make_id_number("430121", dt.date(1991, 2, 3), 77)
    rows = [f"陈新人,{new_id},13800001111,返乡人员,湖北武汉,2026/3/3,高铁,G1234,430121001001001"]
    if zhang:
        zhang_id = reveal_id_number(county.people["zhang"])
        rows.append(f"张建国,{zhang_id},,returnee,湖北武汉,2026-03-02,火车,G1234,")
    if bad:
        rows.append("错号人,430121199001011234,,返乡人员,武汉,2026-03-01,,,430121001001001")
        rows.append(
            f"无类别,{make_id_number('430121', dt.date(1992, 1, 1), 5)},,潜水员,武汉,3月1日,,,"
        )
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def _run(county, data: bytes, **kw):
    return list_import(actor=county.gridworker, source=io.BytesIO(data), filename="list.csv", **kw)


def test_dry_run_writes_nothing_and_reports_duplicates(observation, county):
    report = _run(county, _csv(county))
    assert report.rows_read == 2 and report.created == 1 and report.skipped == 1
    assert report.skipped_rows[0]["message"] == "已在观察中"
    assert Observation.objects.count() == 1
    assert report.preview[0]["id_number"].count("*") > 0


def test_errors_name_row_and_column_and_block_all_or_nothing(observation, county):
    workbook = io.BytesIO()
    report = _run(county, _csv(county, bad=True), dry_run=False, error_workbook=workbook)
    texts = [e.text() for e in report.errors]
    assert any(t.startswith("第4行 身份证号：") for t in texts)
    assert any(t.startswith("第5行 类别：未知类别：潜水员") for t in texts)
    assert any(t.startswith("第5行 到达日期：") for t in texts)
    assert not report.committed and Observation.objects.count() == 1
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.getvalue())).active
    assert sheet.max_row == 3  # header + two rejected rows


def test_valid_rows_mode_imports_the_good_rows(observation, county, doctor):
    report = _run(county, _csv(county, bad=True), dry_run=False, mode=ImportMode.VALID_ROWS)
    assert report.committed and report.created == 1 and report.rejected == 2
    new = Observation.objects.get(person__name="陈新人")
    assert new.transport == "train" and new.transport_number == "G1234"
    assert new.team.filter(user=doctor).exists()


def test_repeated_row_in_the_file_is_reported(county, policy):
    new_id = make_id_number("430121", dt.date(1991, 2, 3), 77)
    row = f"陈新人,{new_id},,返乡人员,武汉,2026-03-03,,,430121001001001\n"
    report = _run(county, (HEADER + row + row).encode())
    assert report.created == 1 and report.errors[0].text().startswith("第3行 身份证号：与第2行重复")


def test_outsider_cannot_import_into_town_a(county, policy):
    report = list_import(
        actor=county.outsider, source=io.BytesIO(_csv(county, zhang=False)), filename="l.csv"
    )
    assert report.rejected == 1 and "网格" in report.errors[0].column


def test_unreadable_file_is_a_file_error(county):
    report = _run(county, b"foo,bar\n1,2\n")
    assert report.file_error


def test_import_pages_upload_preview_confirm(observation, county, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(county.gridworker)
    assert client.get("/monitoring/lists/import/").status_code == 200
    upload = io.BytesIO(_csv(county))
    upload.name = "list.csv"
    response = client.post("/monitoring/lists/import/", {"file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert "陈新人" in html and "已在观察中" in html
    result = client.post(response["Location"] + "run/", {"mode": ImportMode.ALL_OR_NOTHING})
    assert result.status_code == 302
    done = client.get(response["Location"])
    assert "导入完成" in done.content.decode()
    assert Observation.objects.filter(person__name="陈新人").exists()


@pytest.mark.parametrize("suffix", ["", "00000000-0000-4000-8000-000000000000/"])
def test_import_pages_404_for_those_without_import_rights(county, login, suffix):
    url = "/monitoring/lists/import/" + suffix
    assert login(county.teammember).get(url).status_code == 404
    assert login(county.nobody).get(url).status_code == 404
