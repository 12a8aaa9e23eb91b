"""Raw rows of a .csv or .xlsx stream: telling the format apart, decoding CSV,
streaming xlsx sheets (openpyxl for what the fast reader cannot read)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO

from django.utils.translation import gettext as _

from bastion.core.tabular.columns import TableError

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
SNIFF_BYTES = 65536


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


def _numbered(rows: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells); closing it closes the reader (which lets go of the stream)."""
    try:
        yield from enumerate(rows, start=1)
    finally:
        rows.close()  # type: ignore[attr-defined]
