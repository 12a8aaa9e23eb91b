"""Reading field spreadsheets (.csv, .xlsx) row by row, and writing error workbooks.

`read_table` maps the file's headers (with their common variants) to canonical
column keys and yields `(row_number, values)` where row_number is the row as the
user sees it in Excel (the header is row 1). File-level problems raise TableError
with a message for the user; row-level problems are the caller's to report as
RowError(row, column, message).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
SNIFF_BYTES = 65536


class TableError(ValueError):
    """The file as a whole cannot be read; str(error) is for the user."""


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str  # the header as the user wrote it (or the canonical label)
    message: str

    def text(self) -> str:
        """'第17行 身份证号：身份证号校验位错误'."""
        return _("第%(row)d行 %(column)s：%(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str  # the canonical Chinese header, used in messages and error workbooks
    aliases: tuple[str, ...] = ()
    required: bool = False


def _normalize_header(text: object) -> str:
    return str(text or "").strip().replace(" ", "").replace("\u3000", "").replace("*", "").lower()


def _map_headers(
    headers: list[object], columns: list[Column], *, check_required: bool = True
) -> dict[str, int]:
    lookup: dict[str, Column] = {}
    for column in columns:
        for name in (column.label, column.key, *column.aliases):
            lookup[_normalize_header(name)] = column
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        column = lookup.get(_normalize_header(header))
        if column is None:
            continue
        if column.key in positions:
            raise TableError(_("表头中“%(label)s”列出现了两次") % {"label": column.label})
        positions[column.key] = index
    missing = [c.label for c in columns if c.required and c.key not in positions]
    if missing and check_required:
        raise TableError(_("表头缺少必填列：%(cols)s") % {"cols": "、".join(missing)})
    return positions


def _sniff(head: bytes, filename: str) -> str:
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise TableError(_("不支持旧版Excel（.xls）文件，请在Excel中另存为.xlsx后再导入"))
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise TableError(_("文件扩展名是.xlsx，但内容不是Excel工作簿"))
    if b"\x00" in head:
        raise TableError(_("文件既不是CSV文本文件，也不是Excel工作簿"))
    return "csv"


def _csv_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    head = stream.read(4)
    encoding = "utf-8-sig"
    stream.seek(0)
    if not head.startswith(b"\xef\xbb\xbf"):
        sample = stream.read(65536)
        stream.seek(0)
        try:
            sample.decode("utf-8")
        except UnicodeDecodeError as exc:
            # Excel on Chinese Windows saves CSV as GB18030; a cut multibyte char at the
            # sample's end is fine, anything earlier means another encoding.
            if exc.start < len(sample) - 4:
                encoding = "gb18030"
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
    try:
        yield from csv.reader(text)
    except UnicodeDecodeError as exc:
        raise TableError(_("CSV文件不是UTF-8或GB18030编码的文本")) from exc
    except csv.Error as exc:
        raise TableError(_("CSV文件格式错误：%(err)s") % {"err": exc}) from exc
    finally:
        text.detach()


def _xlsx_rows(stream: IO[bytes], sheet: str | None) -> Iterator[tuple[int, list[object]]]:
    """Rows of an .xlsx sheet: the fast streaming reader, openpyxl for what it cannot read."""
    from bastion.core.xlsxstream import Unsupported, WorkbookError, XlsxReader

    try:
        reader = XlsxReader(stream)
    except WorkbookError as exc:
        raise TableError(_("无法打开Excel文件，文件可能已损坏")) from exc
    except Unsupported:
        stream.seek(0)
        yield from _openpyxl_rows(stream, sheet)
        return
    try:
        if sheet is not None and sheet not in reader.sheet_names:
            raise TableError(_("工作簿中没有名为“%(sheet)s”的工作表") % {"sheet": sheet})
        if not reader.sheet_names:
            raise TableError(_("工作簿中没有工作表"))
        try:
            yield from reader.rows(sheet)
        except (WorkbookError, ValueError, IndexError) as exc:
            raise TableError(_("Excel文件内容损坏，无法读取")) from exc
    finally:
        reader.close()


def _openpyxl_rows(stream: IO[bytes], sheet: str | None) -> Iterator[tuple[int, list[object]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, InvalidFileException, KeyError, ...
        raise TableError(_("无法打开Excel文件，文件可能已损坏")) from exc
    try:
        if sheet:
            if sheet not in workbook.sheetnames:
                raise TableError(_("工作簿中没有名为“%(sheet)s”的工作表") % {"sheet": sheet})
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        workbook.close()


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


HEADER_SEARCH_ROWS = 10
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


def _numbered(rows: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells); closing it closes the reader (which lets go of the stream)."""
    try:
        yield from enumerate(rows, start=1)
    finally:
        rows.close()  # type: ignore[attr-defined]


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


MASKED_KEYS = {"id_number": "id", "phone": "phone"}


def _masked(values: dict[str, str]) -> dict[str, str]:
    from bastion.core.masking import mask_id_number, mask_phone

    out = dict(values)
    if out.get("id_number"):
        out["id_number"] = mask_id_number(out["id_number"])
    if out.get("phone"):
        out["phone"] = mask_phone(out["phone"])
    return out


def write_error_workbook(
    target,
    *,
    columns: list[Column],
    rows: Iterable[tuple[int, dict[str, str], list[RowError]]],
    masked: bool = True,
) -> None:
    """Write an .xlsx listing each rejected row: its number, its values, and the reasons.

    ID and phone numbers are masked unless `masked=False` (callers check the permission
    and audit). Every value is written as a text cell, so a value such as
    "=HYPERLINK(...)" from the uploaded file never becomes a formula in the workbook
    handed back to the user. A `SealedErrorRows` target keeps the rows, encrypted, for a
    workbook made later.
    """
    if isinstance(target, SealedErrorRows):
        target.write(columns=columns, rows=rows)
        return
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_("错误行"))

    def text(value: object) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.data_type = "s"
        return cell

    sheet.append([text(_("行号")), *[text(c.label) for c in columns], text(_("错误原因"))])
    for number, values, errors in rows:
        shown = _masked(values) if masked else values
        reasons = "；".join(f"{e.column}: {e.message}" for e in errors)
        sheet.append([number, *[text(shown.get(c.key, "")) for c in columns], text(reasons)])
    workbook.save(target)


class SealedErrorRows:
    """The rejected rows of an import kept on disk until the user downloads them: one
    Fernet token per line (the rows hold ID and phone numbers), file mode 0600."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def write(
        self, *, columns: list[Column], rows: Iterable[tuple[int, dict[str, str], list[RowError]]]
    ) -> None:
        import json
        import os

        from bastion.core import crypto

        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            head = [[c.key, c.label] for c in columns]
            out.write(crypto.encrypt(json.dumps(head)) + "\n")
            for number, values, errors in rows:
                line = [number, values, [[e.column, e.message] for e in errors]]
                out.write(crypto.encrypt(json.dumps(line, ensure_ascii=False)) + "\n")

    def exists(self) -> bool:
        return self.path.is_file()

    def read(self) -> tuple[list[Column], Iterator[tuple[int, dict[str, str], list[RowError]]]]:
        """(columns, rows) as written."""
        import json

        from bastion.core import crypto

        handle = self.path.open(encoding="ascii")
        columns = [Column(k, label) for k, label in json.loads(crypto.decrypt(handle.readline()))]

        def rows():
            with handle:
                for line in handle:
                    number, values, errors = json.loads(crypto.decrypt(line.strip()))
                    yield number, values, [RowError(number, c, m) for c, m in errors]

        return columns, rows()

    def to_workbook(self, target, *, masked: bool = True) -> None:
        columns, rows = self.read()
        write_error_workbook(target, columns=columns, rows=rows, masked=masked)
