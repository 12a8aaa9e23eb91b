"""Roster import: validation per row, merge by ID number, all-or-nothing, bad files."""

from __future__ import annotations

import io
import os

import openpyxl
import pytest

from bastion.core.importing import ImportMode
from bastion.core.models import AuditEntry
from bastion.geo.models import Household
from bastion.people.identity import id_number_index, reveal_id_number, reveal_phone
from bastion.people.importing import roster_import, roster_preview
from bastion.people.models import Person

from .conftest import HEADER, csv_bytes, ident, xlsx_bytes


def _count():
    return Person.objects.count()


def _messages(report):
    return [e.text() for e in report.errors]


def test_import_creates_people_households_and_tags(county, roster):
    before = _count()
    report = roster_import(actor=county.community, source=csv_bytes(roster), filename="r.csv")
    assert report.committed and report.created == 3 and report.rejected == 0
    assert _count() == before + 3
    chen = Person.objects.get(id_number_index=id_number_index(ident(1)))
    assert reveal_id_number(chen) == ident(1) and reveal_phone(chen) == "13700000001"
    assert chen.gender == "M" and chen.region == county.grid_a1_1
    assert chen.household.label == "3栋301" and chen.relation_to_head == "户主"
    assert list(chen.tags.values_list("code", flat=True)) == ["chronic"]
    zhou = Person.objects.get(name="周三")
    assert zhou.region == county.grid_a1_2 and zhou.phone_masked == "137****0003"
    assert sorted(zhou.tags.values_list("code", flat=True)) == ["disabled", "elderly_alone"]
    assert Household.objects.filter(label="3栋301").count() == 1
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_dry_run_writes_nothing_and_previews_masked(county, roster):
    before, households = _count(), Household.objects.count()
    report = roster_preview(actor=county.community, source=csv_bytes(roster), filename="r.csv")
    assert report.dry_run and not report.committed and report.created == 3
    assert _count() == before and Household.objects.count() == households
    assert report.preview[0]["id_number_masked"] == ident(1)[:6] + "********" + ident(1)[-4:]
    assert ident(1) not in str(report.as_dict())
    assert AuditEntry.objects.filter(action="import").count() == 0


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (
            ["王五", ident(5)[:-1] + ("1" if ident(5)[-1] != "1" else "2"), "", "", "", "", "", ""],
            "身份证号",
            "校验位",
        ),
        (["王五", "43012119800230001X", "", "", "", "", "", ""], "身份证号", "身份证号"),
        (["王五", ident(5), "1234567", "", "", "", "", ""], "手机号", ""),
        (["", ident(5), "", "", "", "", "", ""], "姓名", "姓名不能为空"),
        (["王五", ident(5), "", "999999999999999", "", "", "", ""], "网格", "不存在"),
        (["王五", ident(5), "", "黄兴第一网格", "", "", "", ""], "网格", "不在您的管辖范围"),
        (["王五", ident(5), "", "", "", "", "", "外星人"], "标签", "未知标签"),
    ],
)
def test_bad_row_is_rejected_naming_row_and_column(county, row, column, fragment):
    if not row[3]:
        row[3] = county.grid_a1_1.code
    rows = [["好人", ident(9), "", county.grid_a1_1.code, "", "", "", ""], row]
    before = _count()
    report = roster_import(actor=county.gridworker, source=csv_bytes(rows), filename="r.csv")
    assert report.rejected == 1 and not report.committed
    assert report.errors[0].row == 3 and report.errors[0].column == column
    assert report.errors[0].text().startswith(f"第3行 {column}：")
    assert fragment in report.errors[0].message
    assert _count() == before  # all or nothing: the good row was not written either


def test_gender_and_birth_date_must_agree_with_id(county):
    header = ["姓名", "身份证号", "性别", "出生日期", "网格"]
    grid = county.grid_a1_1.code
    rows = [
        ["甲", ident(1), "女", "", grid],
        ["乙", ident(2), "男", "1999-01-01", grid],
        ["丙", ident(3), "男", "1980/1/4", grid],
    ]
    report = roster_preview(actor=None, source=csv_bytes(rows, header), filename="r.csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, "性别"), (3, "出生日期")]
    assert report.created == 1


def test_duplicated_id_in_file_rejects_second_naming_first(county):
    grid = county.grid_a1_1.code
    rows = [["甲", ident(1), "", grid, "", "", "", ""], ["乙", ident(2), "", grid, "", "", "", ""],
            ["甲2", ident(1), "", grid, "", "", "", ""]]  # fmt: skip
    report = roster_preview(actor=None, source=csv_bytes(rows), filename="r.csv")
    assert report.rejected == 1
    assert report.errors[0].row == 4 and "第2行" in report.errors[0].message


def test_duplicate_across_chunks_is_found(county, monkeypatch):
    from bastion.people import importing

    monkeypatch.setattr(importing, "CHUNK", 2)
    grid = county.grid_a1_1.code
    rows = [[f"人{i}", ident(i), "", grid, "", "", "", ""] for i in range(1, 6)]
    rows.append(["重复", ident(2), "", grid, "", "", "", ""])
    report = roster_import(
        actor=None, source=csv_bytes(rows), filename="r.csv", mode=ImportMode.VALID_ROWS
    )
    assert report.created == 5 and report.rejected == 1
    assert report.errors[0].row == 7 and "第3行" in report.errors[0].message


def test_valid_rows_mode_writes_the_good_rows(county, roster):
    roster.append(["坏人", "123", "", county.grid_a1_1.code, "", "", "", ""])
    before = _count()
    report = roster_import(
        actor=None, source=csv_bytes(roster), filename="r.csv", mode=ImportMode.VALID_ROWS
    )
    assert report.committed and report.created == 3 and report.rejected == 1
    assert _count() == before + 3


def test_reimport_merges_without_duplicates_and_reports_conflicts(county, roster):
    roster_import(actor=None, source=csv_bytes(roster), filename="r.csv")
    before = _count()
    roster[0][2] = "13900000009"  # a different phone: kept, reported
    roster[1][2] = "13700000002"  # phone was blank: filled
    report = roster_import(actor=None, source=xlsx_bytes(roster), filename="r.xlsx")
    assert report.committed and report.created == 0 and report.merged == 3
    assert _count() == before
    assert report.conflicts == [
        {"row": 2, "name": "陈一", "id_number_masked": ident(1)[:6] + "********" + ident(1)[-4:],
         "field": "phone", "existing": "137****0001", "incoming": "139****0009"}
    ]  # fmt: skip
    chen2 = Person.objects.get(name="陈二")
    assert reveal_phone(chen2) == "13700000002"
    assert reveal_phone(Person.objects.get(name="陈一")) == "13700000001"
    merge = AuditEntry.objects.filter(action="merge", object_id=str(chen2.public_id)).get()
    assert merge.changes["phone"] == ["", "137****0002"]


def test_import_merges_into_existing_person(county):
    zhang = county.people["zhang"]
    number = reveal_id_number(zhang)
    rows = [["张建国", number, "", county.grid_a1_1.code, "", "", "新地址", ""]]
    report = roster_import(actor=None, source=csv_bytes(rows), filename="r.csv")
    assert report.merged == 1 and report.created == 0
    zhang.refresh_from_db()
    assert zhang.address_text == "新地址"


@pytest.mark.parametrize(
    "header",
    [
        ["姓名", "身份证号码", "联系电话", "所属网格", "门牌号", "关系", "家庭住址", "标签"],
        ["姓名", "公民身份号码", "手机", "网格编码", "户", "与户主关系", "现住址", "标签"],
        [" 姓 名 ", "证件号码*", "电话", "网格", "户号", "与户主关系", "地址", "标签"],
    ],
)
def test_header_variants(county, roster, header):
    report = roster_preview(actor=None, source=csv_bytes(roster, header), filename="r.csv")
    assert report.ok and report.created == 3


def test_gb18030_csv(county, roster):
    report = roster_import(
        actor=None, source=csv_bytes(roster, encoding="gb18030"), filename="r.csv"
    )
    assert report.committed and Person.objects.filter(name="周三").exists()


def test_xlsx_with_title_row_and_numbers(county):
    rows = [["陈一", ident(1), 13700000001, county.grid_a1_1.code, "1", "", "", ""]]
    report = roster_import(
        actor=None, source=xlsx_bytes(rows, title="松雅社区花名册"), filename="r.xlsx"
    )
    assert report.committed, report.as_dict()
    person = Person.objects.get(name="陈一")
    assert reveal_phone(person) == "13700000001" and person.household.label == "1"


def test_head_of_household_column(county):
    header = ["姓名", "身份证号", "网格", "户主"]
    grid = county.grid_a1_1.code
    rows = [["刘一", ident(1), grid, "刘一"], ["刘二", ident(2), grid, "刘一"]]
    roster_import(actor=None, source=csv_bytes(rows, header), filename="r.csv")
    one, two = Person.objects.get(name="刘一"), Person.objects.get(name="刘二")
    assert one.household == two.household and one.household.label == "刘一户"
    assert one.relation_to_head == "户主"


def test_default_grid_applies_to_rows_without_grid(county):
    header = ["姓名", "身份证号"]
    report = roster_import(
        actor=county.gridworker,
        source=csv_bytes([["甲", ident(1)]], header),
        filename="r.csv",
        default_grid=county.grid_a1_1,
    )
    assert report.committed and Person.objects.get(name="甲").region == county.grid_a1_1
    report = roster_preview(
        actor=county.gridworker, source=csv_bytes([["甲", ident(1)]], header), filename="r.csv"
    )
    assert "网格" in report.file_error


def test_out_of_scope_default_grid_is_a_file_error(county):
    report = roster_preview(
        actor=county.gridworker,
        source=csv_bytes([["甲", ident(1)]], ["姓名", "身份证号"]),
        filename="r.csv",
        default_grid=county.grid_b1_1,
    )
    assert "管辖范围" in report.file_error


def _merged_header_xlsx():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "证件信息", None, "联系方式"])
    ws.append([None, "类型", "号码", "手机"])
    ws.merge_cells("B1:C1")
    ws.append(["甲", "身份证", ident(1), "13700000001"])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _bad_files():
    empty = io.BytesIO(b"")
    junk = io.BytesIO(os.urandom(50 * 1024 * 1024))
    fake_xlsx = io.BytesIO(b"this is not a workbook")
    damaged = io.BytesIO(b"PK\x03\x04" + os.urandom(2000))
    no_header = csv_bytes([["a", "b"]], header=["foo", "bar"])
    missing_id = csv_bytes([["甲"]], header=["姓名"])
    twice = csv_bytes([["甲", ident(1), ident(2)]], header=["姓名", "身份证号", "身份证号码"])
    xls = io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    return [
        ("empty.csv", empty, "空"),
        ("junk.csv", junk, "CSV"),
        ("fake.xlsx", fake_xlsx, "xlsx"),
        ("damaged.xlsx", damaged, "损坏"),
        ("header.csv", no_header, "表头"),
        ("missing.csv", missing_id, "身份证号"),
        ("twice.csv", twice, "两次"),
        ("old.xls", xls, ".xls"),
        ("merged.xlsx", _merged_header_xlsx(), "合并单元格"),
    ]


@pytest.mark.parametrize(("filename", "source", "fragment"), _bad_files())
def test_bad_file_gives_clear_message_and_writes_nothing(county, filename, source, fragment):
    before = _count()
    report = roster_import(actor=None, source=source, filename=filename)
    assert report.file_error and fragment in report.file_error, report.file_error
    assert not report.committed and _count() == before


def test_wrong_sheet_name(county, roster):
    from bastion.core.tabular import TableError, open_table
    from bastion.people.importing import COLUMNS

    with pytest.raises(TableError, match="没有名为"):
        open_table(xlsx_bytes(roster), filename="r.xlsx", columns=COLUMNS, sheet="Sheet9")


def test_error_workbook_lists_rejected_rows_with_reasons(county, roster, tmp_path):
    roster.append(["坏人", "123", "12", county.grid_a1_1.code, "", "", "", ""])
    target = tmp_path / "errors.xlsx"
    report = roster_preview(
        actor=None, source=csv_bytes(roster), filename="r.csv", error_workbook=target
    )
    assert report.rejected == 1
    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "行号" and rows[0][-1] == "错误原因"
    assert rows[1][0] == 5 and rows[1][1] == "坏人"
    assert "身份证号" in rows[1][-1] and "手机号" in rows[1][-1]
    assert len(rows) == 2


def test_progress_is_reported_per_chunk(county, monkeypatch):
    from bastion.people import importing

    monkeypatch.setattr(importing, "CHUNK", 2)
    grid = county.grid_a1_1.code
    rows = [[f"人{i}", ident(i), "", grid, "", "", "", ""] for i in range(1, 6)]
    seen = []
    roster_import(actor=None, source=csv_bytes(rows), filename="r.csv", progress=seen.append)
    assert seen == [2, 4, 5]


def test_parallel_workers_give_the_same_result(county, monkeypatch):
    from bastion.people import importing

    monkeypatch.setattr(importing, "CHUNK", 3)
    grid = county.grid_a1_1.code
    rows = [[f"人{i}", ident(i), "", grid, f"{i // 2}号", "", "", ""] for i in range(1, 11)]
    rows.append(["重复", ident(4), "", grid, "", "", "", ""])
    report = roster_import(
        actor=None, source=csv_bytes(rows), filename="r.csv", workers=2,
        mode=ImportMode.VALID_ROWS,
    )  # fmt: skip
    assert report.created == 10 and report.rejected == 1 and "第5行" in report.errors[0].message


def test_header_only_file_imports_nothing(county):
    report = roster_import(actor=None, source=csv_bytes([], HEADER), filename="r.csv")
    assert report.rows_read == 0 and report.created == 0


def test_repeated_id_in_a_later_chunk_creates_no_household_and_previews_as_rejected(
    county, monkeypatch
):
    from bastion.people import importing

    monkeypatch.setattr(importing, "CHUNK", 2)
    grid = county.grid_a1_1.code
    rows = [["甲", ident(1), "", grid, "1号", "", "", ""], ["乙", ident(2), "", grid, "1号", "", "", ""],
            ["甲2", ident(1), "", grid, "99号", "", "", ""]]  # fmt: skip
    before = Household.objects.count()
    report = roster_import(
        actor=None, source=csv_bytes(rows), filename="r.csv", mode=ImportMode.VALID_ROWS
    )
    assert report.created == 2 and report.rejected == 1
    assert Household.objects.count() == before + 1
    assert not Household.objects.filter(label="99号").exists()
    assert [(p["row"], p["action"]) for p in report.preview] == [
        (2, "create"), (3, "create"), (4, "reject")
    ]  # fmt: skip


def test_merge_into_person_of_another_grid_creates_no_household(county):
    zhang = county.people["zhang"]
    other = county.grid_a1_2 if zhang.region_id != county.grid_a1_2.pk else county.grid_a1_1
    rows = [["张建国", reveal_id_number(zhang), "", other.code, "新户888号", "", "", ""]]
    report = roster_import(actor=None, source=csv_bytes(rows), filename="r.csv")
    assert report.committed and report.merged == 1 and report.created == 0
    assert [c["field"] for c in report.conflicts] == ["grid"]
    assert not Household.objects.filter(label="新户888号").exists()


def test_merge_in_the_same_grid_fills_a_missing_household(county):
    zhang = county.people["zhang"]
    Person.objects.filter(pk=zhang.pk).update(household=None)
    rows = [["张建国", reveal_id_number(zhang), "", zhang.region.code, "新户889号", "", "", ""]]
    report = roster_import(actor=None, source=csv_bytes(rows), filename="r.csv")
    assert report.committed and report.merged == 1
    zhang.refresh_from_db()
    assert zhang.household.label == "新户889号" and zhang.household.region_id == zhang.region_id


def test_importing_a_known_id_number_from_outside_changes_nothing_there(county):
    # 李秀英 lives in town A; the outsider (grid B1-1) uploads her ID number with a
    # phone, an address and a tag. Her record stays as it is; the report reads as for
    # someone new (docs/decisions/0011) and names nothing of hers.
    li = county.people["li"]
    rows = [
        [
            "某人",
            reveal_id_number(li),
            "13700001111",
            county.grid_b1_1.code,
            "",
            "",
            "外地址",
            "孕产妇",
        ]
    ]
    report = roster_import(actor=county.outsider, source=csv_bytes(rows), filename="r.csv")
    assert report.committed and report.created == 1 and report.merged == 0
    li.refresh_from_db()
    assert li.phone_masked == "" and li.address_text == "" and li.region_id == county.grid_a1_1.pk
    assert set(li.tags.values_list("code", flat=True)) == {"elderly_alone"}
    assert report.conflicts == []
    assert AuditEntry.objects.filter(
        action="merge", object_id=str(li.public_id), reason="registered_elsewhere"
    ).exists()
