"""Defects of the observation list import found by a new user (issue 6): one import
stack with the roster import, township column names, sex checked, origin default."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from bastion.core.idnumber import make_id_number
from bastion.core.models import AuditEntry
from bastion.monitoring.models import Observation
from bastion.monitoring.services import listimport
from bastion.monitoring.services.listimport import list_import
from bastion.people.importing import COLUMNS as ROSTER_COLUMNS
from bastion.people.inputs import parse_date_text
from bastion.people.models import Person

GRID = "430121001001001"


def _id(seq: int, male: bool = True) -> str:
    return make_id_number("430121", dt.date(1991, 2, 3), seq * 2 + (1 if male else 0))


def _csv(header: list[str], rows: list[list[str]]) -> io.BytesIO:
    lines = [",".join(header), *(",".join(r) for r in rows)]
    return io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))


def _run(county, source, **kw):
    kw.setdefault("filename", "list.csv")
    return list_import(actor=county.gridworker, source=source, **kw)


def test_the_columns_are_the_roster_imports_where_they_overlap():
    roster = {c.key: c for c in ROSTER_COLUMNS}
    for column in listimport.COLUMNS:
        if column.key in roster:
            assert column is roster[column.key]
    assert {"name", "id_number", "phone", "gender", "address", "grid"} <= {
        c.key for c in listimport.COLUMNS
    }


def test_the_phone_column_is_labelled_as_in_the_roster_import():
    labels = {c.key: c.label for c in listimport.COLUMNS}
    assert labels["phone"] == "手机号"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2020-01-23", dt.date(2020, 1, 23)),
        ("2020/1/23", dt.date(2020, 1, 23)),
        ("2020年1月23日", dt.date(2020, 1, 23)),
        ("20200123", dt.date(2020, 1, 23)),
        ("2020.01.23", dt.date(2020, 1, 23)),
        ("2020-01-23 00:00:00", dt.date(2020, 1, 23)),
        ("２０２０年１月２３日", dt.date(2020, 1, 23)),
        ("2020-02-30", None),
        ("1月23日", None),
    ],
)
def test_one_date_parser_for_both_imports(text, day):
    assert parse_date_text(text) == day
    assert listimport.parse_date_text is parse_date_text


def test_the_sex_column_is_read_and_checked_against_the_id(county, policy):
    header = ["姓名", "身份证号", "性别", "类别", "来源地", "到达日期", "网格"]
    rows = [
        ["男人", _id(1, male=True), "女", "返乡人员", "武汉", "2026-03-01", GRID],
        ["女人", _id(2, male=False), "女", "返乡人员", "武汉", "2026-03-01", GRID],
        ["乱填", _id(3), "未知", "返乡人员", "武汉", "2026-03-01", GRID],
    ]
    report = _run(county, _csv(header, rows))
    texts = [e.text() for e in report.errors]
    assert "第2行 性别：性别与身份证号不符" in texts
    assert "第4行 性别：性别应为“男”或“女”" in texts
    assert report.created == 1 and report.rejected == 2


def test_a_list_without_origin_column_takes_the_files_default_origin(county, policy):
    header = ["姓名", "身份证号", "返乡日期", "交通方式及车次", "家庭住址", "网格"]
    rows = [["陈新人", _id(4), "2026-03-01", "高铁G1234", "松雅小区3栋", GRID]]
    report = _run(
        county, _csv(header, rows), dry_run=False, default_policy=policy, default_origin="湖北武汉"
    )
    assert report.committed and report.created == 1, report.errors
    observation = Observation.objects.get(person__name="陈新人")
    assert observation.origin == "湖北武汉" and observation.arrived_on == dt.date(2026, 3, 1)
    assert (observation.transport, observation.transport_number) == ("train", "G1234")
    assert Person.objects.get(name="陈新人").address_text == "松雅小区3栋"


def test_a_list_without_origin_and_no_default_is_refused_with_a_clear_message(county, policy):
    header = ["姓名", "身份证号", "返乡日期", "网格"]
    report = _run(county, _csv(header, [["陈新人", _id(4), "2026-03-01", GRID]]),
                  default_policy=policy)  # fmt: skip
    assert report.file_error == "文件中没有“来源地”列，请为整个文件填写默认来源地"
    assert report.created == 0


def test_a_blank_origin_cell_without_default_is_a_row_error(county, policy):
    header = ["姓名", "身份证号", "来源地", "到达日期", "网格"]
    report = _run(county, _csv(header, [["陈新人", _id(4), "", "2026-03-01", GRID]]),
                  default_policy=policy)  # fmt: skip
    assert [e.text() for e in report.errors] == ["第2行 来源地：来源地不能为空"]


def test_an_excel_number_id_is_rejected_in_the_list_import(county, policy):
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "身份证号", "类别", "来源地", "到达日期", "网格"])
    workbook.active.append(["陈新人", 4.30121199102030e17, "返乡人员", "武汉", "2026-03-01", GRID])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    report = _run(county, out, filename="list.xlsx")
    assert [e.message for e in report.errors] == [
        "身份证号被Excel存成了数字，请把该列设为文本后重新填写"
    ]


def test_full_width_id_and_phone_are_normalized_in_the_list_import(county, policy):
    number = _id(5)
    full = "".join(chr(ord(c) + 0xFEE0) for c in number)
    header = ["姓名", "身份证号", "手机号", "类别", "来源地", "到达日期", "网格"]
    rows = [["陈新人", full, "１３７００００６６６６", "返乡人员", "武汉", "2026-03-01", GRID]]
    report = _run(county, _csv(header, rows), dry_run=False)
    assert report.committed and report.created == 1, report.errors
    assert Person.objects.get(name="陈新人").phone_masked == "137****6666"


def test_a_repeated_id_is_reported_when_the_first_row_has_another_error(county, policy):
    header = ["姓名", "身份证号", "手机号", "类别", "来源地", "到达日期", "网格"]
    rows = [
        ["陈新人", _id(6), "12345", "返乡人员", "武汉", "2026-03-01", GRID],
        ["陈新人", _id(6), "", "返乡人员", "武汉", "2026-03-01", GRID],
    ]
    report = _run(county, _csv(header, rows))
    texts = [e.text() for e in report.errors]
    assert "第3行 身份证号：与第2行重复" in texts and report.created == 0, texts


def test_a_header_only_list_is_nothing_to_import(county, policy):
    header = ["姓名", "身份证号", "类别", "来源地", "到达日期", "网格"]
    report = _run(county, _csv(header, [["合计", "", "", "", "", ""]]), dry_run=False)
    assert report.file_error == "文件中只有表头，没有可导入的数据行"
    assert not report.committed
    assert not AuditEntry.objects.filter(action="import").exists()


def test_a_totals_row_of_a_list_is_skipped_with_a_note(county, policy):
    header = ["序号", "姓名", "身份证号", "类别", "来源地", "到达日期", "网格"]
    rows = [
        ["1", "陈新人", _id(7), "返乡人员", "武汉", "2026-03-01", GRID],
        ["合计", "", "", "", "", "", ""],
    ]
    report = _run(county, _csv(header, rows), dry_run=False)
    assert report.committed and report.created == 1 and report.rejected == 0
    assert report.notes == ["第3行是合计行，已跳过"]


def test_a_future_arrival_date_is_refused_in_the_list(county, policy):
    header = ["姓名", "身份证号", "类别", "来源地", "到达日期", "网格"]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    report = _run(county, _csv(header, [["陈新人", _id(8), "返乡人员", "武汉", tomorrow, GRID]]))
    assert [e.text() for e in report.errors] == ["第2行 到达日期：到达日期不能晚于今天"]


def test_the_list_upload_is_a_private_import_job_deleted_when_done(
    county, policy, login, settings, tmp_path
):
    import os
    import stat
    from pathlib import Path

    from bastion.people.models import ImportJob

    settings.MEDIA_ROOT = tmp_path
    client = login(county.gridworker)
    header = ["姓名", "身份证号", "返乡日期", "网格"]
    upload = _csv(header, [["陈新人", _id(9), "2026-03-01", GRID]])
    upload.name = "乡镇名单.csv"
    response = client.post(
        "/monitoring/lists/import/",
        {"file": upload, "default_policy": "returnee", "default_origin": "湖北武汉"},
    )
    job = ImportJob.objects.get(kind="observations")
    assert response["Location"] == f"/monitoring/lists/import/{job.public_id}/"
    assert stat.S_IMODE(os.stat(job.stored_path).st_mode) == 0o600
    assert "湖北武汉" in client.get(response["Location"]).content.decode()
    client.post(f"/monitoring/lists/import/{job.public_id}/run/", {"mode": "all_or_nothing"})
    job.refresh_from_db()
    assert job.status == "done" and not Path(job.stored_path).exists()
    assert Observation.objects.get(person__name="陈新人").origin == "湖北武汉"


def test_the_api_takes_a_default_origin(county, policy, client):
    from tests.mixins import api_login_client

    api = api_login_client(client, county.gridworker)
    upload = _csv(
        ["姓名", "身份证号", "返乡日期", "网格"], [["陈新人", _id(10), "2026-03-01", GRID]]
    )
    upload.name = "l.csv"
    response = api.post(
        "/api/v1/monitoring/imports",
        {"file": upload, "category": "returnee", "origin": "湖北武汉", "dry_run": "false"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["committed"]
    assert Observation.objects.get(person__name="陈新人").origin == "湖北武汉"
