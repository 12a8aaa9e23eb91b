"""Excel exports of any table: scope and as-of date in the file, a watermark, an audit entry.

Every list a user can see can be taken away as .xlsx with `export_workbook`. The first
rows of the sheet say what it is: the title, the scope (region or organization), the
as-of time, and who exported it when (the watermark, repeated in the print header and
the document properties). An export that holds personal data needs Perm.EXPORT_PII, is
masked by default (the caller passes masked values; `revealed=True` additionally needs
Perm.PII_REVEAL and a reason) and is written to the audit log. Cell values that a
spreadsheet would run as formulas (=, +, -, @) are written as text.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.core.audit import audit_record, client_ip

EXPORT_ACTION = "export"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell value that Excel and WPS will show, never evaluate."""
    if isinstance(value, str):
        if value.startswith(_FORMULA_START):
            return "'" + value
        return value.replace("\x00", "")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    return value


def watermark_text(user, at: dt.datetime) -> str:
    name = getattr(user, "full_name", "") or getattr(user, "username", "")
    return _("%(name)s（%(username)s）导出于 %(at)s，仅限工作使用") % {
        "name": name,
        "username": getattr(user, "username", ""),
        "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
    }


def export_workbook(
    *,
    user,
    request=None,
    title: str,
    scope_label: str,
    as_of: dt.datetime,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    filename: str,
    personal_data: bool = False,
    revealed: bool = False,
    reason: str = "",
    object_type: str = "",
    path: str = "",
) -> FileResponse:
    """Write the rows to an .xlsx download (streamed from a temporary file).

    PermissionDenied when personal data is asked for without Perm.EXPORT_PII, or
    revealed data without Perm.PII_REVEAL; ValidationError when revealed data comes
    without a reason. `filename` must not contain personal data.
    """
    from openpyxl import Workbook

    if personal_data and not has_perm(user, Perm.EXPORT_PII):
        raise PermissionDenied(_("没有导出个人信息的权限"))
    if revealed:
        if not has_perm(user, Perm.PII_REVEAL):
            raise PermissionDenied(_("没有导出完整个人信息的权限"))
        if not (reason or "").strip():
            raise ValidationError({"reason": [_("导出完整个人信息必须说明理由")]})
    now = timezone.now()
    mark = watermark_text(user, now)
    workbook = Workbook(write_only=True)
    workbook.properties.creator = getattr(user, "username", "")
    workbook.properties.title = title
    workbook.properties.description = mark
    sheet = workbook.create_sheet(title=title[:31] or "export")
    sheet.oddHeader.center.text = mark
    sheet.oddFooter.center.text = f"{title} · {scope_label}"
    sheet.append([title])
    sheet.append([_("范围"), scope_label])
    sheet.append([_("数据截至"), timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M")])
    sheet.append([_("导出"), mark])
    if personal_data:
        sheet.append(
            [
                _("提示"),
                _("本表含完整个人信息，严禁外传")
                if revealed
                else _("本表含个人信息（已脱敏），严禁外传"),
            ]
        )
    sheet.append([])
    sheet.append([safe_cell(h) for h in headers])
    count = 0
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        count += 1
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    workbook.save(spool)
    spool.seek(0)
    if personal_data:
        audit_record(
            actor=user,
            action=EXPORT_ACTION,
            object_type=object_type or "export",
            object_repr=title[:200],
            path=path,
            changes={"rows": [None, count], "revealed": [None, bool(revealed)]},
            reason=(reason or "").strip() or _("导出（脱敏）"),
            ip_address=client_ip(request),
        )
    response = FileResponse(
        spool,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{filename}-{timezone.localtime(as_of):%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response
