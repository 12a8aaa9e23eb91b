"""Cell values as text: numbers as Excel shows them, dates in ISO form, and the
totals rows (合计/总计/小计) that are not records."""

from __future__ import annotations

import datetime as dt

# Excel keeps 15 significant digits. A number this large typed into a cell (an ID number
# in a column not formatted as text) has lost its last digits: it is read in scientific
# form, so that no importer mistakes the rounded digits for the real ones.
EXACT_NUMBER_LIMIT = 10**15


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if abs(value) >= EXACT_NUMBER_LIMIT:
            return f"{float(value):.15g}"  # always with an exponent at this size
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


TOTALS_WORDS = frozenset({"合计", "总计", "小计"})
_TOTALS_STRIP = str.maketrans("", "", " \u3000:：")


def is_totals_row(cells: list) -> bool:
    """Does the row's first non-empty cell say 合计, 总计 or 小计 (a sum line, not a record)?"""
    for value in cells:
        if value is None or value == "":
            continue
        text = value if type(value) is str else _cell_text(value)
        if not text.strip():
            continue
        return text.translate(_TOTALS_STRIP) in TOTALS_WORDS
    return False


def extract(row: list, indexes: list[int]) -> list[str] | None:
    """The texts of the cells at `indexes` (blank when absent); None for an empty row."""
    if len(row) <= max(indexes):
        row = [*row, *([None] * (max(indexes) + 1 - len(row)))]
    texts = [row[i].strip() if type(row[i]) is str else _cell_text(row[i]) for i in indexes]
    return texts if any(texts) else None
