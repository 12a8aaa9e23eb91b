"""Exports of personal data (issue 12): every export whose columns name people needs
the export permission, is masked, carries the watermark and is audited."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

import bastion
from bastion.core.audit import AuditEntry

PERSONAL_HEADERS = ("姓名", "身份证", "电话", "手机", "户主", "出生")
SRC = Path(bastion.__file__).parent


def _export_calls():
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path.name == "exports.py" and path.parent.name == "access":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "export_workbook"
            ):
                yield path, node


def _strings(node) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def test_every_export_naming_people_declares_personal_data():
    calls = list(_export_calls())
    assert len(calls) >= 6  # party, campaigns, supplies and the dashboard export tables
    offenders = []
    for path, call in calls:
        keywords = {k.arg: k.value for k in call.keywords}
        headers = " ".join(_strings(keywords.get("headers", ast.Constant(""))))
        personal = keywords.get("personal_data")
        if any(h in headers for h in PERSONAL_HEADERS) and not (
            isinstance(personal, ast.Constant) and personal.value is True
        ):
            offenders.append(f"{path.relative_to(SRC)}:{call.lineno}")
    assert offenders == []


def test_member_roster_export_needs_permission_is_masked_watermarked_and_audited(
    party_tree, county
):
    from openpyxl import load_workbook

    from bastion.party.exports import members_xlsx
    from bastion.party.models import PartyMember
    from bastion.people.identity import reveal_id_number

    request = RequestFactory().get("/party/members/export/")
    members = PartyMember.objects.select_related("person", "organization")
    request.user = county.gridworker  # sees people, but may not export them
    with pytest.raises(PermissionDenied):
        members_xlsx(user=county.gridworker, request=request, members=members, scope_label="x")
    request.user = county.command
    before = AuditEntry.objects.filter(action="export").count()
    response = members_xlsx(
        user=county.command, request=request, members=members, scope_label="长沙县"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    text = " ".join(cells)
    assert "导出于" in text and "command" in text  # the watermark: who and when
    assert "已脱敏" in text
    for member in members:
        assert reveal_id_number(member.person) not in text
        assert member.person.id_number_masked in text
    assert AuditEntry.objects.filter(action="export").count() == before + 1
