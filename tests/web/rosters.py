"""Build roster workbooks for the import tests (also used by the browser test)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from bastion.core.idnumber import make_id_number

HEADERS = ["姓名", "身份证号", "手机号", "网格", "户号"]


def valid_id(seq: int = 7, born: dt.date = dt.date(1990, 5, 17)) -> str:
    return make_id_number("430121", born, seq)


def bad_checksum(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


def roster_rows(grid_code: str, unknown_grid: str = "430121009009009") -> list[list[str]]:
    """One valid row, then a bad checksum, a bad phone and an unknown grid (rows 2..5)."""
    good = valid_id(7)
    return [
        ["周新民", good, "13712345678", grid_code, "5栋501"],
        ["吴错号", bad_checksum(valid_id(9)), "13712345679", grid_code, "5栋502"],
        ["郑错机", valid_id(11), "1234", grid_code, "5栋503"],
        ["冯无格", valid_id(13), "13712345680", unknown_grid, "5栋504"],
    ]


def roster_xlsx(rows: list[list[str]], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
