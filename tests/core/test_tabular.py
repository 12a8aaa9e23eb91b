"""Spreadsheet cells as texts: numbers Excel cannot hold exactly never become digits."""

from __future__ import annotations

import io

import openpyxl
import pytest

from bastion.core.tabular import Column, read_table, write_error_workbook

COLUMNS = [Column("name", "姓名", required=True), Column("id_number", "身份证号")]


def _xlsx(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


@pytest.mark.parametrize("number", [4.30121198003021e17, 430121198003021234, 1e15])
def test_a_number_beyond_excels_precision_is_read_in_scientific_form(number):
    rows = list(read_table(_xlsx([["姓名", "身份证号"], ["某人", number]]), filename="a.xlsx",
                           columns=COLUMNS))  # fmt: skip
    text = rows[0][1]["id_number"]
    assert "e+" in text.lower() and not text.isdigit()


def test_numbers_excel_holds_exactly_stay_plain_digits():
    rows = list(
        read_table(
            _xlsx([["姓名", "身份证号"], ["某人", 430121001001001], ["某人", 13812341234]]),
            filename="a.xlsx",
            columns=COLUMNS,
        )
    )
    assert [r[1]["id_number"] for r in rows] == ["430121001001001", "13812341234"]


@pytest.mark.parametrize("value", ["=1+1", "+8613800000000", "-1", "@SUM(A1)", '=HYPERLINK("x")'])
def test_error_workbook_writes_formula_like_values_as_text(value):
    out = io.BytesIO()
    write_error_workbook(out, columns=COLUMNS, rows=[(2, {"name": value, "id_number": ""}, [])])
    out.seek(0)
    sheet = openpyxl.load_workbook(out).active
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value == value
