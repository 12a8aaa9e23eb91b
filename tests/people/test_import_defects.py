"""Roster import defects found by trying it as a new user would (issue 6)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from bastion.core.idnumber import IdNumberError, make_id_number, parse_id_number
from bastion.core.models import AuditEntry
from bastion.people import importing
from bastion.people.identity import id_number_index, reveal_id_number, reveal_phone
from bastion.people.importing import roster_import, roster_preview
from bastion.people.models import Person
from tests.conftest import make_person

from .conftest import HEADER, csv_bytes, ident, xlsx_bytes

EXCEL_MESSAGE = "身份证号被Excel存成了数字，请把该列设为文本后重新填写"


def _rounded_collision() -> tuple[str, str]:
    """(real ID, valid ID that Excel's rounding of the real one turns into)."""
    for seq in range(1000):
        real = make_id_number("430121", dt.date(1980, 3, 3), seq)
        if not real.isdigit():
            continue
        rounded = str(int(float(real)))
        try:
            parse_id_number(rounded)
        except IdNumberError:
            continue
        if rounded != real:
            return real, rounded
    raise AssertionError("no colliding ID found")


def test_an_id_number_saved_by_excel_as_a_number_is_rejected_not_merged(county):
    real, rounded = _rounded_collision()
    victim = make_person(county.grid_a1_1, "受害人")
    Person.objects.filter(pk=victim.pk).update(
        id_number_index=id_number_index(rounded)
    )  # someone already on file under the rounded number
    row = ["新来的", float(real), "", county.grid_a1_1.code, "", "", "", ""]
    report = roster_import(actor=county.community, source=xlsx_bytes([row]), filename="r.xlsx")
    assert not report.committed and report.merged == 0 and report.created == 0
    assert [e.message for e in report.errors] == [EXCEL_MESSAGE]
    victim.refresh_from_db()
    assert victim.name == "受害人"


def test_scientific_notation_text_in_a_csv_is_rejected_with_the_same_message(county):
    row = ["新来的", "4.30121198003021E+17", "", county.grid_a1_1.code, "", "", "", ""]
    report = roster_preview(actor=county.community, source=csv_bytes([row]), filename="r.csv")
    assert [e.message for e in report.errors] == [EXCEL_MESSAGE]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_full_width_id_and_phone_are_normalized_in_the_roster_import(county, kind):
    number = ident(40, seq=13)
    row = ["全角", _full_width(number), _full_width("13700004444"), county.grid_a1_1.code]
    row += ["", "", "", ""]
    source = csv_bytes([row]) if kind == "csv" else xlsx_bytes([row])
    report = roster_import(actor=county.community, source=source, filename=f"r.{kind}")
    assert report.committed and report.created == 1, report.errors
    person = Person.objects.get(id_number_index=id_number_index(number))
    assert reveal_id_number(person) == number and reveal_phone(person) == "13700004444"


def test_a_full_width_copy_of_a_known_id_merges_into_that_person(county):
    zhang = county.people["zhang"]
    row = ["张建国", _full_width(reveal_id_number(zhang)), "", zhang.region.code, "", "", "", ""]
    report = roster_import(actor=county.community, source=csv_bytes([row]), filename="r.csv")
    assert report.committed and report.merged == 1 and report.created == 0


def _two_with_one_bad(first_bad: bool):
    number = ident(50)
    bad = ["坏手机", number, "12345", "430121001001001", "", "", "", ""]
    good = ["好人", number, "13700005555", "430121001001001", "", "", "", ""]
    return [bad, good] if first_bad else [good, bad]


@pytest.mark.parametrize("first_bad", [True, False])
@pytest.mark.parametrize("chunk", [5000, 1])
def test_a_repeated_id_is_reported_even_when_a_row_has_another_error(
    county, monkeypatch, first_bad, chunk
):
    monkeypatch.setattr(importing, "CHUNK", chunk)
    rows = _two_with_one_bad(first_bad)
    report = roster_preview(actor=county.community, source=csv_bytes(rows), filename="r.csv")
    texts = [e.text() for e in report.errors]
    assert "第3行 身份证号：与第2行的身份证号重复" in texts
    if first_bad:  # the valid row repeats a refused one: it is refused too
        assert report.created == 0 and report.rejected == 2, texts
        assert "第2行 手机号：手机号应为以13至19开头的11位数字" in texts
    else:  # the refused row repeats a valid one: both of its errors are named
        assert report.created == 1 and report.rejected == 1, texts
        assert "第3行 手机号：手机号应为以13至19开头的11位数字" in texts


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_header_only_file_is_nothing_to_import_and_claims_no_import(county, kind):
    source = csv_bytes([]) if kind == "csv" else xlsx_bytes([])
    report = roster_import(actor=county.community, source=source, filename=f"r.{kind}")
    assert not report.committed and report.file_error == "文件中只有表头，没有可导入的数据行"
    assert not AuditEntry.objects.filter(action="import").exists()


def test_the_import_command_exits_1_for_a_header_only_file(county, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(csv_bytes([]).getvalue())
    with pytest.raises(SystemExit) as exited:
        call_command("import", "people", str(path), "--as", "community", stdout=io.StringIO())
    assert exited.value.code == 1
    assert not AuditEntry.objects.filter(action="import").exists()


@pytest.mark.parametrize("word", ["合计", "总计", "小计", "合 计："])
def test_a_totals_row_is_skipped_with_a_note_not_rejected(county, roster, word):
    totals = [word, "", "", "", "", "", "", "3人"]
    report = roster_import(
        actor=county.community, source=csv_bytes([*roster, totals]), filename="r.csv"
    )
    assert report.committed and report.created == 3 and report.rejected == 0
    assert report.notes == ["第5行是合计行，已跳过"]


def test_a_totals_row_in_an_unmapped_first_column_is_skipped(county, roster):
    header = ["序号", *HEADER]
    rows = [[str(i), *row] for i, row in enumerate(roster, start=1)]
    rows.append(["合计", "", "", "", "", "", "", "", ""])
    report = roster_import(
        actor=county.community, source=xlsx_bytes(rows, header=header), filename="r.xlsx"
    )
    assert report.committed and report.created == 3 and report.rejected == 0
    assert report.notes == ["第5行是合计行，已跳过"]


def test_a_file_with_only_a_totals_row_is_nothing_to_import(county):
    report = roster_import(
        actor=county.community,
        source=csv_bytes([["合计", "", "", "", "", "", "", ""]]),
        filename="r.csv",
    )
    assert not report.committed and report.file_error == "文件中只有表头，没有可导入的数据行"
