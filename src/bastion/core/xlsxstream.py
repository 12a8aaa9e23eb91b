"""A fast streaming reader for .xlsx worksheets (constant memory apart from shared strings).

openpyxl's read-only mode parses ~16,000 rows/s here; python-calamine is ~15x faster
but loads the whole sheet (about 0.5 KB per roster row, so 550 MB for a million rows).
This reader decompresses the sheet XML in 1 MB pieces and picks rows and cells out
with regular expressions, which is enough for the machine-written XML of Excel,
WPS and openpyxl. Workbooks it does not understand (namespace prefixes) make it
raise `Unsupported`, and the caller falls back to openpyxl.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from html import unescape
from typing import IO

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW = re.compile(r"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR_R = re.compile(r'\br="([A-Z]*)(\d*)"')
_ATTR_T = re.compile(r'\bt="(\w+)"')
_ATTR_S = re.compile(r'\bs="(\d+)"')
# The common shapes (Excel, WPS, openpyxl): attributes r, s, t in this order, one value.
_FAST_CELL = re.compile(
    r'<c r="([A-Z]+)\d+"(?: s="(\d+)")?(?: t="(\w+)")?(?: s="(\d+)")?\s*'
    r"(?:/>|>(?:<f>[^<]*</f>|<f\b[^>]*/>)?(?:<v>([^<]*)</v>|<is><t(?: [^>]*)?>([^<]*)</t></is>)?</c>)"
)
_COL_CACHE: dict[str, int] = {}
_V = re.compile(r"<v>(.*?)</v>", re.S)
_T = re.compile(r"<t\b[^>]*>(.*?)</t>", re.S)
_SHEET = re.compile(r"<sheet\b([^>]*?)/?>")
_NAME = re.compile(r'\bname="([^"]*)"')
_RID = re.compile(r'\br:id="([^"]*)"|\bid="([^"]*)"')
_REL = re.compile(r"<Relationship\b([^>]*?)/?>")
_XF_SECTION = re.compile(r"<cellXfs\b[^>]*>(.*?)</cellXfs>", re.S)
_XF = re.compile(r"<xf\b([^>]*?)(?:/>|>)")
_NUMFMT = re.compile(r'<numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"')
_DATE_CODE = re.compile(r"[ymdhs]|年|月|日")
_BUILTIN_DATE_FORMATS = set(range(14, 23)) | {45, 46, 47, 27, 30, 36, 50, 57}
_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - Excel serials have no zone
PIECE = 1 << 20


class Unsupported(Exception):
    """The workbook uses XML this reader does not handle; use openpyxl instead."""


class WorkbookError(Exception):
    """The workbook is damaged or lacks the sheet asked for."""


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _text(xml: str) -> str:
    return unescape(xml) if "&" in xml else xml


class XlsxReader:
    """Open a workbook; `sheet_names`, then `rows(sheet)` yields (row number, cells)."""

    def __init__(self, source: str | IO[bytes]):
        try:
            self.zip = zipfile.ZipFile(source)
            workbook = self.zip.read("xl/workbook.xml").decode("utf-8")
            rels = self.zip.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        except (zipfile.BadZipFile, KeyError, OSError, UnicodeDecodeError, EOFError) as exc:
            raise WorkbookError(str(exc)) from exc
        if f'xmlns="{_NS_MAIN}"' not in workbook:
            raise Unsupported("prefixed namespace")
        targets = {}
        for attrs in _REL.findall(rels):
            rid = re.search(r'\bId="([^"]*)"', attrs)
            target = re.search(r'\bTarget="([^"]*)"', attrs)
            if rid and target:
                path = target.group(1).lstrip("/")
                targets[rid.group(1)] = path if path.startswith("xl/") else f"xl/{path}"
        self.sheets: dict[str, str] = {}
        for attrs in _SHEET.findall(workbook):
            name, rid = _NAME.search(attrs), _RID.search(attrs)
            if name and rid:
                self.sheets[unescape(name.group(1))] = targets.get(rid.group(1) or rid.group(2), "")
        self.sheet_names = list(self.sheets)
        self._shared: list[str] | None = None
        self._date_styles: set[int] | None = None

    def close(self) -> None:
        self.zip.close()

    def _shared_strings(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            try:
                raw = self.zip.read("xl/sharedStrings.xml").decode("utf-8")
            except KeyError:
                return self._shared
            for si in re.finditer(r"<si>(.*?)</si>", raw, re.S):
                self._shared.append(_text("".join(_T.findall(si.group(1)))))
        return self._shared

    def _dates(self) -> set[int]:
        if self._date_styles is None:
            self._date_styles = set()
            try:
                styles = self.zip.read("xl/styles.xml").decode("utf-8")
            except KeyError:
                return self._date_styles
            custom = {
                int(i)
                for i, code in _NUMFMT.findall(styles)
                if _DATE_CODE.search(re.sub(r'"[^"]*"|\[[^\]]*\]', "", unescape(code)).lower())
            }
            section = _XF_SECTION.search(styles)
            for index, attrs in enumerate(_XF.findall(section.group(1) if section else "")):
                fmt = re.search(r'\bnumFmtId="(\d+)"', attrs)
                fmt_id = int(fmt.group(1)) if fmt else 0
                if fmt_id in _BUILTIN_DATE_FORMATS or fmt_id in custom:
                    self._date_styles.add(index)
        return self._date_styles

    def rows(self, sheet: str | None = None) -> Iterator[tuple[int, list[object]]]:
        """Yield (row number as in Excel, cell values) for each row present in the XML."""
        name = sheet if sheet is not None else (self.sheet_names[0] if self.sheet_names else None)
        if name is None or name not in self.sheets:
            raise WorkbookError(f"no sheet {name!r}")
        try:
            handle = self.zip.open(self.sheets[name])
        except (KeyError, zipfile.BadZipFile) as exc:
            raise WorkbookError(str(exc)) from exc
        shared = self._shared_strings()
        dates = self._dates()
        buffer = ""
        started = False
        last_row = 0
        decoder = __import__("codecs").getincrementaldecoder("utf-8")()
        with handle:
            while True:
                try:
                    piece = handle.read(PIECE)
                except (zipfile.BadZipFile, EOFError, OSError) as exc:
                    raise WorkbookError(str(exc)) from exc
                buffer += decoder.decode(piece, final=not piece)
                if not started:
                    at = buffer.find("<sheetData")
                    if at < 0:
                        if not piece:
                            return
                        continue
                    started = True
                    buffer = buffer[at:]
                end = buffer.rfind("</row>") + len("</row>") if piece else len(buffer)
                if end < len("</row>") and piece:
                    continue
                for match in _ROW.finditer(buffer, 0, end):
                    attrs, body = match.group(1), match.group(2)
                    rnum = _ATTR_R.search(attrs)
                    number = int(rnum.group(2)) if rnum and rnum.group(2) else last_row + 1
                    last_row = number
                    yield number, self._cells(body or "", shared, dates)
                buffer = buffer[end:]
                if not piece:
                    return

    @staticmethod
    def _cells(body: str, shared: list[str], dates: set[int]) -> list[object]:
        found = _FAST_CELL.findall(body)
        if len(found) != body.count("<c ") + body.count("<c>"):
            return XlsxReader._cells_slow(body, shared, dates)
        cells: list[object] = []
        for letters, s1, kind, s2, v, t in found:
            index = _COL_CACHE.get(letters)
            if index is None:
                index = _COL_CACHE.setdefault(letters, _col_index(letters))
            if len(cells) < index:
                cells.extend([None] * (index - len(cells)))
            if kind == "inlineStr":
                cells.append(_text(t))
            elif not v:
                cells.append(None)
            elif kind == "s":
                cells.append(shared[int(v)])
            elif kind in ("str", "e"):
                cells.append(_text(v))
            elif kind == "b":
                cells.append(v == "1")
            else:
                number = float(v)
                style = s1 or s2
                if style and int(style) in dates:
                    cells.append(_EPOCH + dt.timedelta(days=number))
                else:
                    cells.append(int(number) if number.is_integer() else number)
        return cells

    @staticmethod
    def _cells_slow(body: str, shared: list[str], dates: set[int]) -> list[object]:
        cells: list[object] = []
        for attrs, inner in _CELL.findall(body):
            ref = _ATTR_R.search(attrs)
            index = _col_index(ref.group(1)) if ref and ref.group(1) else len(cells)
            while len(cells) < index:
                cells.append(None)
            kind_match = _ATTR_T.search(attrs)
            kind = kind_match.group(1) if kind_match else "n"
            value: object = None
            if kind == "inlineStr":
                value = _text("".join(_T.findall(inner)))
            else:
                raw = _V.search(inner)
                if raw is not None:
                    text = raw.group(1)
                    if kind == "s":
                        value = shared[int(text)]
                    elif kind in ("str", "e"):
                        value = _text(text)
                    elif kind == "b":
                        value = text == "1"
                    else:
                        number = float(text)
                        style = _ATTR_S.search(attrs)
                        if style and int(style.group(1)) in dates:
                            value = _EPOCH + dt.timedelta(days=number)
                        else:
                            value = int(number) if number.is_integer() else number
            cells.append(value)
        return cells
