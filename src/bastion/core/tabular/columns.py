"""The file-level error, the row-level error, and the columns a table is read by:
headers (with their common variants) mapped to canonical column keys."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


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
