"""Roster files for import tests: build CSV / XLSX bytes from rows."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from bastion.core.idnumber import make_id_number

HEADER = ["姓名", "身份证号", "手机号", "网格", "户号", "与户主关系", "住址", "标签"]


def ident(day: int, seq: int = 11, year: int = 1980) -> str:
    """A valid ID number; odd `seq` is a man."""
    return make_id_number("430121", dt.date(year, 1, 1) + dt.timedelta(days=day), seq)


def csv_bytes(rows: list[list[str]], header=HEADER, encoding="utf-8-sig") -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode(encoding))


def xlsx_bytes(rows: list[list], header=HEADER, title: str | None = None, sheet="花名册"):
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


@pytest.fixture
def roster(county):
    """Three good rows in grid A1-1 (by code) and A1-2 (by name)."""
    g1, g2 = county.grid_a1_1.code, county.grid_a1_2.name
    return [
        ["陈一", ident(1), "13700000001", g1, "3栋301", "户主", "星沙大道1号", "慢性病"],
        ["陈二", ident(2, 12), "", g1, "3栋301", "配偶", "", ""],
        ["周三", ident(3), "+86 137-0000-0003", g2, "", "", "", "elderly_alone、残疾人"],
    ]
