"""Excel exports carry scope, as-of and a watermark; personal data needs a permission,
is audited, and formulas from the data are never run."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bastion.access.exports import export_workbook
from bastion.core.models import AuditEntry

AS_OF = timezone.make_aware(dt.datetime(2020, 2, 7, 18, 0))


def _sheet(response):
    data = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(data)).active


def _export(user, **kw):
    defaults = {
        "user": user,
        "title": "入户排查名单",
        "scope_label": "松雅社区",
        "as_of": AS_OF,
        "headers": ["户", "姓名"],
        "rows": [["1栋101", '=HYPERLINK("http://x")'], ["1栋102", "李**"]],
        "filename": "visits",
    }
    defaults.update(kw)
    return export_workbook(**defaults)


def test_header_rows_state_scope_as_of_and_who_exported(county):
    sheet = _sheet(_export(county.town))
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "入户排查名单"
    assert rows[1][:2] == ["范围", "松雅社区"]
    assert rows[2][:2] == ["数据截至", "2020-02-07 18:00"]
    assert "town" in rows[3][1]
    assert ["户", "姓名"] in [r[:2] for r in rows]


def test_formula_from_the_data_is_written_as_text(county):
    sheet = _sheet(_export(county.town))
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://x")' in values


def test_personal_data_needs_the_export_permission(county):
    with pytest.raises(PermissionDenied):
        _export(county.gridworker, personal_data=True)


def test_personal_data_export_is_audited_with_row_count(county):
    _export(county.town, personal_data=True, object_type="campaigns.visit")
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == county.town and entry.changes["rows"] == [None, 2]


def test_revealed_export_needs_reveal_permission_and_reason(county):
    with pytest.raises(ValidationError):
        _export(county.town, personal_data=True, revealed=True)
    with pytest.raises(PermissionDenied):
        _export(county.orgdept, personal_data=True, revealed=True, reason="x")


def test_plain_export_is_not_audited(county):
    _export(county.gridworker)
    assert not AuditEntry.objects.filter(action="export").exists()
