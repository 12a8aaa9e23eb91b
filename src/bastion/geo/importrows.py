"""Rows of a region file: the columns it may have and how one row is read and checked.

Checks that need no database (code shape, level words, GeoJSON) live here; the
importer in geo.importing resolves parents and writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bastion.core.tabular import Column, RowError
from bastion.geo.models import Level, Region
from bastion.geo.services import boundary_clean, polygon_centroid

COLUMNS = [
    Column("code", "代码", ("区划代码", "编码", "code", "行政区划代码", "网格代码"), required=True),
    Column("name", "名称", ("name", "区划名称", "网格名称"), required=True),
    Column("parent", "上级代码", ("上级区划代码", "上级编码", "parent", "parent_code")),
    Column("level", "级别", ("层级", "level", "区划级别")),
    Column("boundary", "边界", ("boundary", "边界GeoJSON", "geojson")),
    Column("lng", "经度", ("lng", "lon", "longitude")),
    Column("lat", "纬度", ("lat", "latitude")),
]
LABELS = {c.key: c.label for c in COLUMNS}
PREVIEW_ROWS = 50
_LOOKUP_CHUNK = 500

LEVEL_WORDS: dict[str, str] = {
    "县": Level.COUNTY,
    "区": Level.COUNTY,
    "县区": Level.COUNTY,
    "county": Level.COUNTY,
    "镇": Level.TOWN,
    "乡": Level.TOWN,
    "乡镇": Level.TOWN,
    "town": Level.TOWN,
    "街道": Level.SUBDISTRICT,
    "subdistrict": Level.SUBDISTRICT,
    "村": Level.VILLAGE,
    "行政村": Level.VILLAGE,
    "village": Level.VILLAGE,
    "社区": Level.COMMUNITY,
    "居委会": Level.COMMUNITY,
    "community": Level.COMMUNITY,
    "网格": Level.GRID,
    "grid": Level.GRID,
}


class RowAction:
    """What the import does with one row (shown in the preview)."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECT = "reject"


@dataclass
class _Row:
    number: int
    values: dict[str, str]
    code: str = ""
    name: str = ""
    level: str = ""
    parent_code: str = ""
    boundary: dict | None = None
    centroid: tuple[float, float] | None = None
    errors: list[RowError] = field(default_factory=list)
    action: str = ""
    path: str = ""
    parent_row: _Row | None = None
    parent_region: Region | None = None
    existing: Region | None = None
    region: Region | None = None

    def fail(self, column_key: str, message: str) -> None:
        self.errors.append(RowError(self.number, LABELS.get(column_key, column_key), message))
        self.action = RowAction.REJECT

    @property
    def rejected(self) -> bool:
        return bool(self.errors)


def parse_level(text: str) -> str | None:
    value = text.strip()
    return LEVEL_WORDS.get(value) or LEVEL_WORDS.get(value.lower())


def _parse_row(number: int, values: dict[str, str]) -> _Row:
    """Row-local checks: everything that does not need other rows or the database."""
    row = _Row(number=number, values=values)
    row.code = values.get("code", "").strip()
    row.name = values.get("name", "").strip()
    row.parent_code = values.get("parent", "").strip()
    if not row.code:
        row.fail("code", _("代码不能为空"))
    elif not (row.code.isdigit() and row.code.isascii()):
        row.fail("code", _("代码只能包含数字"))
    if not row.name:
        row.fail("name", _("名称不能为空"))
    elif len(row.name) > 100:
        row.fail("name", _("名称不能超过100个字"))
    raw_level = values.get("level", "").strip()
    level = parse_level(raw_level) if raw_level else _level_from_code(row.code)
    if level is None:
        row.fail("level", _("无法识别的级别：%(value)s") % {"value": raw_level or "-"})
    else:
        row.level = level
    if row.parent_code and row.parent_code == row.code:
        row.fail("parent", _("上级代码不能是本区划自身"))
    raw_boundary = values.get("boundary", "").strip()
    if raw_boundary:
        try:
            row.boundary = boundary_clean(json.loads(raw_boundary))
        except json.JSONDecodeError:
            row.fail("boundary", _("边界不是有效的GeoJSON文本"))
        except ValidationError as exc:
            row.fail("boundary", exc.messages[0])
    raw_lng, raw_lat = values.get("lng", "").strip(), values.get("lat", "").strip()
    if raw_lng or raw_lat:
        try:
            lng, lat = float(raw_lng), float(raw_lat)
        except ValueError:
            row.fail("lng" if not _is_float(raw_lng) else "lat", _("经纬度应为数字"))
        else:
            if not (-180 <= lng <= 180 and -90 <= lat <= 90):
                row.fail("lng", _("经纬度超出范围"))
            else:
                row.centroid = (lng, lat)
    elif row.boundary is not None:
        row.centroid = polygon_centroid(row.boundary)
    return row


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _level_from_code(code: str) -> str | None:
    """Without a level column: infer the level from the code's shape."""
    if len(code) == 15:
        return Level.GRID
    if len(code) != 12:
        return None
    if code[6:] == "000000":
        return Level.COUNTY
    if code[9:] == "000":
        return Level.TOWN
    return Level.VILLAGE
