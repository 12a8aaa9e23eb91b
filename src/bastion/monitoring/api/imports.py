"""Lists pushed down by upper levels (.xlsx/.csv): dry run first (the default), then commit.

No `from __future__ import annotations`: ninja reads the runtime annotations.
"""

from ninja import File, Form, Router
from ninja.files import UploadedFile

from bastion.core.importing import ImportMode
from bastion.geo.selectors import region_get
from bastion.monitoring.api.common import api_user, policy_by_category
from bastion.monitoring.api.schemas import ImportReportOut

router = Router(tags=["monitoring"])


@router.post("", response=ImportReportOut)
def import_list(
    request,
    file: UploadedFile = File(...),  # noqa: B008 - ninja's declaration style
    category: str = Form(""),  # noqa: B008 - default category for rows without one
    grid: str = Form(""),  # noqa: B008 - default grid code for rows without one
    origin: str = Form(""),  # noqa: B008 - default 来源地 for rows without one
    dry_run: bool = Form(True),  # noqa: B008
    valid_rows: bool = Form(False),  # noqa: B008 - import the valid rows, reject the rest
):
    """`dry_run=true` (default) reports what would be registered, skipped and rejected;
    `dry_run=false` imports (all or nothing unless `valid_rows=true`). `origin` is the
    来源地 of rows without one (needed when the file has no such column)."""
    from bastion.monitoring.services.listimport import list_import

    user = api_user(request)
    report = list_import(
        actor=user,
        source=file,
        filename=file.name or "list.xlsx",
        dry_run=dry_run,
        mode=ImportMode.VALID_ROWS if valid_rows else ImportMode.ALL_OR_NOTHING,
        default_policy=policy_by_category(category) if category else None,
        default_grid=region_get(user=user, code=grid) if grid else None,
        default_origin=origin,
    )
    return {"committed": report.committed, "dry_run": dry_run, "report": report.as_dict()}
