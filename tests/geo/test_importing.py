"""Region import: order-independent, idempotent, row-level errors with row and column."""

from __future__ import annotations

import json

import pytest

from bastion.core.importing import ImportMode
from bastion.core.models import AuditEntry
from bastion.geo.importing import regions_import
from bastion.geo.models import Region
from tests.mixins import table_file

HEADER = ["代码", "名称", "上级代码", "级别"]
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[113.0, 28.0], [113.2, 28.0], [113.2, 28.2], [113.0, 28.2], [113.0, 28.0]]],
}

# A county listed children first: the importer must order by level, not by row.
CHILDREN_FIRST = [
    HEADER,
    ["430121001001001", "松雅第一网格", "430121001001", "网格"],
    ["430121001001", "松雅社区", "430121001000", "社区"],
    ["430121001000", "星沙街道", "430121000000", "街道"],
    ["430121002000", "黄兴镇", "430121000000", "镇"],
    ["430121000000", "长沙县", "", "县"],
]


def run(rows, *, kind="csv", actor=None, dry_run=False, mode=ImportMode.ALL_OR_NOTHING):
    upload = table_file(rows, kind=kind)
    return regions_import(
        actor=actor, source=upload, filename=upload.name, dry_run=dry_run, mode=mode
    )


def errors_of(report) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in report.errors]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_children_listed_before_parents_are_imported(db, kind):
    report = run(CHILDREN_FIRST, kind=kind)
    assert report.ok and report.committed, report.errors
    assert (report.rows_read, report.created, report.merged) == (5, 5, 0)
    grid = Region.objects.get(code="430121001001001")
    assert grid.path == "430121000000/430121001000/430121001001/430121001001001/"
    assert grid.parent.code == "430121001001"
    assert grid.depth == 3


def test_reimporting_the_same_file_changes_nothing(db):
    run(CHILDREN_FIRST)
    stamps = dict(Region.objects.values_list("code", "updated_at"))
    report = run(CHILDREN_FIRST)
    assert (report.created, report.merged, report.rejected) == (0, 5, 0)
    assert Region.objects.count() == 5
    assert dict(Region.objects.values_list("code", "updated_at")) == stamps
    assert {p["action"] for p in report.preview} == {"unchanged"}


def test_a_changed_name_updates_the_region(db):
    run(CHILDREN_FIRST)
    renamed = [row[:] for row in CHILDREN_FIRST]
    renamed[2][1] = "松雅湖社区"
    report = run(renamed)
    assert (report.created, report.merged) == (0, 5)
    assert Region.objects.get(code="430121001001").name == "松雅湖社区"
    assert [p["action"] for p in report.preview][1] == "update"


def test_rows_can_attach_to_regions_already_in_the_database(county):
    report = run([HEADER, ["430121001001003", "松雅第三网格", "430121001001", "网格"]])
    assert report.created == 1 and report.committed
    assert Region.objects.get(code="430121001001003").parent == county.community_a1


def test_unknown_parent_is_a_row_error_on_the_parent_column(db):
    report = run([*CHILDREN_FIRST, ["430121003000", "江背镇", "430199000000", "镇"]])
    assert errors_of(report) == [(7, "上级代码")]
    assert "430199000000不存在" in report.errors[0].message


def test_duplicate_code_in_the_file_is_rejected_on_the_later_row(db):
    report = run([*CHILDREN_FIRST, ["430121002000", "黄兴镇二", "430121000000", "镇"]])
    assert errors_of(report) == [(7, "代码")]
    assert "第5行" in report.errors[0].message


def test_code_used_in_the_database_at_another_level_is_a_duplicate(county):
    report = run([HEADER, ["430121001001", "松雅村", "430121001000", "村"]])
    assert errors_of(report) == [(2, "代码")]
    assert "松雅社区" in report.errors[0].message


def test_code_that_does_not_nest_under_its_parent_is_rejected(county):
    report = run([HEADER, ["430121002005", "错位社区", "430121001000", "社区"]])
    assert errors_of(report) == [(2, "代码")]
    assert "不属于上级" in report.errors[0].message


def test_wrong_level_is_rejected(county):
    report = run([HEADER, ["430121001000005", "街道网格", "430121001000", "网格"]])
    assert errors_of(report) == [(2, "级别")]
    assert "网格不能直接位于街道之下" in report.errors[0].message


def test_unknown_level_word_is_rejected(db):
    report = run([HEADER, ["430121000000", "长沙县", "", "省"]])
    assert errors_of(report) == [(2, "级别")]


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        ("{not json", "不是有效的GeoJSON"),
        (json.dumps({"type": "Point", "coordinates": [113, 28]}), "Polygon"),
        (json.dumps({"type": "Polygon", "coordinates": [[[113, 28], [114, 28], [114, 29]]]}), "4"),
        (
            json.dumps(
                {"type": "Polygon", "coordinates": [[[113, 28], [114, 28], [114, 29], [113, 29]]]}
            ),
            "未闭合",
        ),
        (
            json.dumps(
                {"type": "Polygon", "coordinates": [[[213, 28], [114, 28], [114, 29], [213, 28]]]}
            ),
            "超出",
        ),
    ],
)
def test_bad_geojson_is_rejected_on_the_boundary_column(county, boundary, message):
    report = run(
        [[*HEADER, "边界"], ["430121001001003", "第三网格", "430121001001", "网格", boundary]]
    )
    assert errors_of(report) == [(2, "边界")]
    assert message in report.errors[0].message


def test_centroid_is_computed_from_the_polygon(county):
    run(
        [
            [*HEADER, "边界"],
            ["430121001001003", "第三网格", "430121001001", "网格", json.dumps(SQUARE)],
        ]
    )
    grid = Region.objects.get(code="430121001001003")
    assert grid.centroid_lng == pytest.approx(113.1)
    assert grid.centroid_lat == pytest.approx(28.1)
    assert grid.boundary["type"] == "Polygon"


def test_a_given_centroid_wins(county):
    run(
        [
            [*HEADER, "边界", "经度", "纬度"],
            ["430121001001003", "第三网格", "430121001001", "网格", json.dumps(SQUARE), 113, 28],
        ]
    )
    grid = Region.objects.get(code="430121001001003")
    assert (grid.centroid_lng, grid.centroid_lat) == (113.0, 28.0)


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(db):
    report = run([*CHILDREN_FIRST, ["430121003000", "江背镇", "430199000000", "镇"]])
    assert not report.committed
    assert report.rejected == 1 and report.created == 5  # the plan, not written
    assert not Region.objects.exists()
    assert not AuditEntry.objects.exists()


def test_valid_rows_mode_writes_the_good_rows_and_rejects_children_of_bad_ones(db):
    rows = [
        HEADER,
        ["430121003001", "江背村", "430121003000", "村"],  # its parent is rejected
        ["430121000000", "长沙县", "", "县"],
        ["430121003000", "江背镇", "430121000000", "省"],  # unknown level
        ["430121002000", "黄兴镇", "430121000000", "镇"],
    ]
    report = run(rows, mode=ImportMode.VALID_ROWS)
    assert report.committed
    assert (report.created, report.rejected) == (2, 2)
    assert errors_of(report) == [(2, "上级代码"), (4, "级别")]
    assert "第4行" in report.errors[0].message
    assert set(Region.objects.values_list("code", flat=True)) == {"430121000000", "430121002000"}


def test_dry_run_writes_nothing_and_previews_each_row(db):
    rows = [*CHILDREN_FIRST, ["430121003000", "江背镇", "430199000000", "镇"]]
    report = run(rows, dry_run=True, mode=ImportMode.VALID_ROWS)
    assert not report.committed and report.dry_run
    assert not Region.objects.exists()
    assert not AuditEntry.objects.exists()
    assert [p["action"] for p in report.preview] == ["create"] * 5 + ["reject"]
    assert report.preview[5]["message"]


def test_dry_run_of_a_reimport_previews_updates(db):
    run(CHILDREN_FIRST)
    renamed = [row[:] for row in CHILDREN_FIRST]
    renamed[5][1] = "长沙县（新）"
    report = run(renamed, dry_run=True)
    assert [p["action"] for p in report.preview] == ["unchanged"] * 4 + ["update"]
    assert Region.objects.get(code="430121000000").name == "长沙县"


def test_the_import_is_audited_once(db):
    run(CHILDREN_FIRST)
    entry = AuditEntry.objects.get()
    assert entry.action == "import" and entry.object_type == "geo.region"
    assert entry.changes["created"] == 5 and entry.changes["rejected"] == 0


def test_chinese_header_variants_and_inferred_levels(db):
    rows = [
        ["区划代码", "名称", "上级区划代码"],
        ["430121001001", "松雅社区", "430121001000"],
        ["430121001000", "星沙街道", "430121000000"],
        ["430121000000", "长沙县", ""],
    ]
    report = run(rows)
    assert report.ok, report.errors
    assert Region.objects.get(code="430121001000").level == "town"


def test_english_headers_and_level_names(db):
    rows = [["code", "name", "parent", "level"], ["430121000000", "Changsha", "", "county"]]
    assert run(rows).created == 1


def test_rows_outside_the_actors_scope_are_rejected(county):
    report = run([HEADER, ["430122000000", "望城区", "", "县"]], actor=county.command)
    assert errors_of(report) == [(2, "代码")]
    assert "管辖范围" in report.errors[0].message
    report = run(
        [HEADER, ["430121001001003", "第三网格", "430121001001", "网格"]], actor=county.command
    )
    assert report.committed
    assert AuditEntry.objects.filter(action="import", actor=county.command).count() == 1


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"", "empty.csv"), (b"\x00\x01junk" * 100, "junk.csv"), (b"PK\x03\x04junk", "x.xlsx")],
)
def test_unreadable_files_are_file_errors(db, content, name):
    import io

    report = regions_import(actor=None, source=io.BytesIO(content), filename=name, dry_run=False)
    assert report.file_error and not report.committed


def test_header_without_data_rows_is_a_file_error(db):
    assert run([HEADER]).file_error


def test_missing_required_column_is_a_file_error(db):
    report = run([["代码", "级别"], ["430121000000", "县"]])
    assert "名称" in report.file_error
