"""Opening a spreadsheet: finding its header row and yielding its data rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from bastion.core.tabular.cells import _cell_text, extract, is_totals_row
from bastion.core.tabular.columns import Column, TableError, _map_headers
from bastion.core.tabular.sources import SNIFF_BYTES, _csv_rows, _numbered, _sniff, _xlsx_rows

HEADER_SEARCH_ROWS = 10


class Table:
    """An opened spreadsheet: `positions` maps column keys to cell indexes, `labels` to the
    header as the user wrote it; `rows()` yields (row number, cell texts) for data rows."""

    def __init__(self, rows: Iterator[tuple[int, list[object]]], columns: list[Column]):
        self.columns = columns
        self._rows = rows
        self.header_row = 0
        self.positions: dict[str, int] = {}
        self.labels: dict[str, str] = {}
        self.totals_rows: list[int] = []
        skipped: list[int] = []
        for number, row in rows:
            texts = [_cell_text(v) for v in row]
            if not any(texts):
                continue
            positions = _map_headers(texts, columns, check_required=False)
            if positions:
                self._check_header(number, texts, positions)
                self.header_row, self.positions = number, positions
                self.labels = {k: texts[i] for k, i in positions.items()}
                return
            skipped.append(number)
            if len(skipped) >= HEADER_SEARCH_ROWS:
                break
        if not skipped:
            raise TableError(_("文件中没有数据：找不到表头行"))
        raise TableError(
            _("找不到表头：前%(n)d行中没有任何可识别的列名（应有：%(cols)s）")
            % {"n": len(skipped), "cols": "、".join(c.label for c in columns)}
        )

    def _check_header(self, number: int, texts: list[str], positions: dict[str, int]) -> None:
        missing = [c.label for c in self.columns if c.required and c.key not in positions]
        last = max(i for i, t in enumerate(texts) if t)
        blanks = [i for i in range(last) if not texts[i]]
        if missing and blanks:
            raise TableError(
                _(
                    "第%(row)d行表头第%(cols)s列为空（可能是合并单元格），"
                    "缺少必填列：%(missing)s。请将表头整理为一行、每列一个列名"
                )
                % {
                    "row": number,
                    "cols": "、".join(str(i + 1) for i in blanks),
                    "missing": "、".join(missing),
                }
            )
        if missing:
            raise TableError(
                _("第%(row)d行表头缺少必填列：%(cols)s")
                % {"row": number, "cols": "、".join(missing)}
            )

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, texts of the mapped columns in `positions` order) for non-empty rows.

        Totals rows (合计/总计/小计) are left out and their numbers kept in `totals_rows`.
        """
        indexes = list(self.positions.values())
        for number, row in self._rows:
            if is_totals_row(row):
                self.totals_rows.append(number)
                continue
            texts = extract(row, indexes)
            if texts is not None:
                yield number, texts

    def raw_rows(self) -> Iterator[tuple[int, list]]:
        """(row number, cells as read): pass each through `extract(cells, self.indexes)`."""
        return self._rows

    def close(self) -> None:
        """Stop reading (before the stream under the table is closed or rewound)."""
        close = getattr(self._rows, "close", None)
        if close is not None:
            close()

    @property
    def indexes(self) -> list[int]:
        return list(self.positions.values())

    @property
    def keys(self) -> list[str]:
        return list(self.positions)


def open_table(
    stream: IO[bytes], *, filename: str, columns: list[Column], sheet: str | None = None
) -> Table:
    """Open a .csv or .xlsx stream and find its header row (within the first 10 rows).

    Raises TableError for an empty or unreadable file, a missing sheet, a header that lacks
    required columns (naming blank header cells, the sign of merged cells) or repeats one.
    """
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not head.strip():
        raise TableError(_("文件是空的"))
    kind = _sniff(head, filename)
    if kind == "xlsx":
        return Table(_xlsx_rows(stream, sheet), columns)
    if sheet:
        raise TableError(_("CSV文件没有工作表，不能指定工作表“%(sheet)s”") % {"sheet": sheet})
    return Table(_numbered(_csv_rows(stream)), columns)


def read_table(
    source: str | Path | IO[bytes],
    *,
    filename: str,
    columns: list[Column],
    sheet: str | None = None,
    totals_rows: list[int] | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row_number, {column key: text}) for each non-empty data row.

    Totals rows (合计/总计/小计) are not yielded; their numbers go to `totals_rows`.
    Raises TableError for an unreadable file, a missing or empty header, a duplicated
    or missing required column.
    """
    stream: IO[bytes] = open(source, "rb") if isinstance(source, (str, Path)) else source  # noqa: SIM115
    table = None
    try:
        table = open_table(stream, filename=filename, columns=columns, sheet=sheet)
        keys = table.keys
        for number, texts in table.rows():
            if totals_rows is not None:
                totals_rows.extend(table.totals_rows)
            table.totals_rows.clear()
            yield number, dict(zip(keys, texts, strict=True))
        if totals_rows is not None:
            totals_rows.extend(table.totals_rows)
    finally:
        if table is not None:
            table.close()
        if isinstance(source, (str, Path)):
            stream.close()
