"""Reading field spreadsheets (.csv, .xlsx) row by row, and writing error workbooks.

`read_table` maps the file's headers (with their common variants) to canonical
column keys and yields `(row_number, values)` where row_number is the row as the
user sees it in Excel (the header is row 1). File-level problems raise TableError
with a message for the user; row-level problems are the caller's to report as
RowError(row, column, message).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"


class TableError(ValueError):
    """The file as a whole cannot be read; str(error) is for the user."""


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str  # the header as the user wrote it (or the canonical label)
    message: str


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str  # the canonical Chinese header, used in messages and error workbooks
    aliases: tuple[str, ...] = ()
    required: bool = False


def _normalize_header(text: object) -> str:
    return str(text or "").strip().replace(" ", "").replace("\u3000", "").replace("*", "").lower()


def _map_headers(headers: list[object], columns: list[Column]) -> dict[str, int]:
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
            raise TableError(
                _("column %(label)s appears twice in the header") % {"label": column.label}
            )
        positions[column.key] = index
    missing = [c.label for c in columns if c.required and c.key not in positions]
    if missing:
        raise TableError(
            _("the header row lacks required columns: %(cols)s") % {"cols": "、".join(missing)}
        )
    return positions


def _sniff(head: bytes, filename: str) -> str:
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise TableError(_("the file is named .xlsx but is not an Excel workbook"))
    if b"\x00" in head:
        raise TableError(_("the file is neither a CSV text file nor an Excel workbook"))
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
        raise TableError(_("the CSV file is not UTF-8 or GB18030 text")) from exc
    except csv.Error as exc:
        raise TableError(_("the CSV file is malformed: %(err)s") % {"err": exc}) from exc
    finally:
        text.detach()


def _xlsx_rows(path_or_stream, sheet: str | None) -> Iterator[list[object]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path_or_stream, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise TableError(_("the Excel workbook cannot be opened: it may be damaged")) from exc
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise TableError(_("the Excel workbook cannot be opened: it may be damaged")) from exc
    try:
        if sheet:
            if sheet not in workbook.sheetnames:
                raise TableError(_("the workbook has no sheet named %(sheet)s") % {"sheet": sheet})
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        for row in worksheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return value.isoformat()[:10] if getattr(value, "hour", 0) == 0 else value.isoformat()
    return str(value).strip()


def read_table(
    source: str | Path | IO[bytes],
    *,
    filename: str,
    columns: list[Column],
    sheet: str | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row_number, {column key: text}) for each non-empty data row.

    Raises TableError for an unreadable file, a missing or empty header, a duplicated
    or missing required column.
    """
    stream: IO[bytes] = open(source, "rb") if isinstance(source, (str, Path)) else source  # noqa: SIM115
    try:
        head = stream.read(8)
        stream.seek(0)
        if not head:
            raise TableError(_("the file is empty"))
        kind = _sniff(head, filename)
        rows: Iterator[list] = _xlsx_rows(stream, sheet) if kind == "xlsx" else _csv_rows(stream)
        header: list[object] | None = None
        header_row = 0
        for number, row in enumerate(rows, start=1):
            if header is None:
                if not any(_cell_text(v) for v in row):
                    continue
                header, header_row = row, number
                positions = _map_headers(header, columns)
                if not positions:
                    raise TableError(
                        _("row %(row)d has none of the expected column names") % {"row": number}
                    )
                continue
            values = {
                key: _cell_text(row[i]) if i < len(row) else "" for key, i in positions.items()
            }
            if not any(values.values()):
                continue
            yield number, values
        if header is None:
            raise TableError(_("the file has no header row"))
        del header_row
    finally:
        if isinstance(source, (str, Path)):
            stream.close()


def write_error_workbook(
    target: str | Path | IO[bytes],
    *,
    columns: list[Column],
    rows: Iterable[tuple[int, dict[str, str], list[RowError]]],
) -> None:
    """Write an .xlsx listing each rejected row: its number, its values, and the reasons."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_("错误行"))
    sheet.append([_("行号"), *[c.label for c in columns], _("错误原因")])
    for number, values, errors in rows:
        reasons = "；".join(f"{e.column}: {e.message}" for e in errors)
        sheet.append([number, *[values.get(c.key, "") for c in columns], reasons])
    workbook.save(target)
