"""Import of the lists upper levels push down (返乡人员名单, 密接名单 ...): .xlsx or .csv.

Each row registers (or merges) the person and opens an observation. A row for someone
already under observation in that category is skipped and reported as "已在观察中",
not rejected. The run is one transaction: a dry run, or an all-or-nothing run with a
rejected row, rolls back at the end, so the preview is exactly what the import does.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_path
from bastion.core.audit import Action, audit_record
from bastion.core.idnumber import IdNumberError, parse_id_number
from bastion.core.importing import ImportMode, ImportReport, nothing_to_import_message
from bastion.core.masking import mask_id_number
from bastion.core.tabular import Column, RowError, TableError, read_table, write_error_workbook
from bastion.geo.models import Level, Region
from bastion.monitoring.models import Observation, ObservationStatus, Policy, Transport
from bastion.monitoring.services.observations import observation_register
from bastion.people.identity import id_number_index
from bastion.people.importing import COLUMNS as ROSTER_COLUMNS
from bastion.people.inputs import gender_error, parse_date_text
from bastion.people.services import PersonInput

_ROSTER = {c.key: c for c in ROSTER_COLUMNS}
# The person's columns are the roster import's own (same labels, same aliases); the
# observation's are added here. 交通方式及车次 is the single column township lists use.
COLUMNS = [
    _ROSTER["name"],
    _ROSTER["id_number"],
    _ROSTER["phone"],
    _ROSTER["gender"],
    Column("category", "类别", ("人员类别", "类型", "分类")),
    Column("origin", "来源地", ("从何地来", "来自", "出发地", "来源地区", "从何地返乡")),
    Column(
        "arrived_on",
        "到达日期",
        ("抵达日期", "返乡日期", "到达时间", "返回日期", "返乡时间", "抵达时间"),
    ),
    Column("last_contact_on", "末次接触日期", ("最后接触日期", "末次接触时间")),
    Column("transport", "交通方式", ("交通工具", "出行方式")),
    Column("transport_number", "车次/航班号", ("车次", "航班号", "车次航班号", "班次")),
    Column(
        "transport_detail",
        "交通方式及车次",
        ("交通方式及车次号", "交通工具及车次", "乘坐交通工具及车次", "交通方式及班次"),
    ),
    _ROSTER["address"],
    _ROSTER["grid"],
]
LABELS = {c.key: c.label for c in COLUMNS}
# service error keys -> file columns
FIELD_COLUMN = {
    "name": "name",
    "id_number": "id_number",
    "phone": "phone",
    "gender": "gender",
    "grid": "grid",
    "origin": "origin",
    "arrived_on": "arrived_on",
    "last_contact_on": "last_contact_on",
    "transport": "transport",
    "transport_number": "transport_number",
    "address_text": "address",
    "policy": "category",
    "person": "name",
}
TRANSPORT_WORDS = {
    "火车": Transport.TRAIN,
    "高铁": Transport.TRAIN,
    "动车": Transport.TRAIN,
    "列车": Transport.TRAIN,
    "航班": Transport.FLIGHT,
    "飞机": Transport.FLIGHT,
    "自驾": Transport.CAR,
    "私家车": Transport.CAR,
    "汽车": Transport.BUS,
    "客车": Transport.BUS,
    "大巴": Transport.BUS,
    "其他": Transport.OTHER,
}
PREVIEW_ROWS = 50
_NUMBER_JUNK = re.compile(r"[\s/／,，;；:：()（）-]+|次$")


class _Rollback(Exception):
    pass


@dataclass
class ListImportReport(ImportReport):
    """ImportReport plus the rows skipped because the person is already under observation."""

    skipped: int = 0
    skipped_rows: list[dict] = field(default_factory=list)
    people_created: int = 0

    def as_dict(self) -> dict:
        data = super().as_dict()
        data.update(
            skipped=self.skipped, skipped_rows=self.skipped_rows, people_created=self.people_created
        )
        return data


def parse_transport(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    if text in Transport.values:
        return text
    for word, value in TRANSPORT_WORDS.items():
        if word in text:
            return value
    raise ValueError(text)


def parse_transport_detail(text: str) -> tuple[str, str]:
    """'高铁G1234' / '飞机 CZ3456' / '自驾 湘A12345' -> (transport, number); ValueError
    when no known way of travel is named."""
    text = (text or "").strip()
    if not text:
        return "", ""
    for word, value in TRANSPORT_WORDS.items():
        if word in text:
            number = _NUMBER_JUNK.sub("", text.replace(word, "", 1))
            return value, number.upper()[:20]
    raise ValueError(text)


def _policies() -> dict[str, Policy]:
    known: dict[str, Policy] = {}
    for policy in Policy.objects.filter(active=True).select_related("team_template"):
        known[policy.category] = policy
        known[policy.name_zh] = policy
    return known


def _grids(actor) -> dict[str, Region]:
    grids = restrict_by_path(Region.objects.filter(level=Level.GRID), actor, Perm.PERSON_CHANGE)
    known: dict[str, Region] = {}
    for grid in grids:
        known[grid.code] = grid
        known.setdefault(grid.name, grid)
    return known


@dataclass
class _Context:
    actor: Any
    policies: dict[str, Policy]
    grids: dict[str, Region]
    default_policy: Policy | None
    default_grid: Region | None
    default_origin: str = ""
    today: dt.date | None = None
    # (ID blind index, policy id) -> first row, for every row whose ID number parsed
    seen: dict[tuple[str, int | None], int] = field(default_factory=dict)


def _parse_row(number: int, row: dict[str, str], ctx: _Context) -> tuple[dict, list[RowError]]:
    errors: list[RowError] = []

    def err(key: str, message: str) -> None:
        errors.append(RowError(number, LABELS[key], message))

    parsed: dict[str, Any] = {
        "name": row.get("name", ""),
        "phone": row.get("phone", ""),
        "address": row.get("address", ""),
    }
    id_parsed = None
    try:
        id_parsed = parse_id_number(row.get("id_number", ""))
        parsed["id_number"] = id_parsed.value
    except IdNumberError as exc:
        err("id_number", str(exc))
    gender_text = row.get("gender", "").strip()
    if gender_text and (
        message := gender_error(gender_text, id_parsed.gender if id_parsed else None)
    ):
        err("gender", message)
    category = row.get("category", "").strip()
    policy = ctx.policies.get(category) if category else ctx.default_policy
    if policy is None:
        err("category", _("未知类别：%(c)s") % {"c": category} if category else _("请填写类别"))
    parsed["policy"] = policy
    parsed["origin"] = row.get("origin", "").strip() or ctx.default_origin
    if not parsed["origin"]:
        err("origin", _("来源地不能为空"))
    for key in ("arrived_on", "last_contact_on"):
        text = row.get(key, "").strip()
        parsed[key] = None
        if text:
            parsed[key] = parse_date_text(text)
            if parsed[key] is None:
                err(key, _("日期格式不正确：%(v)s（应为 2020-01-23）") % {"v": text})
    parsed["transport"], parsed["transport_number"] = "", row.get("transport_number", "").strip()
    try:
        if row.get("transport_detail", "").strip():
            parsed["transport"], number_text = parse_transport_detail(row["transport_detail"])
            parsed["transport_number"] = parsed["transport_number"] or number_text
        if row.get("transport", "").strip():
            parsed["transport"] = parse_transport(row["transport"])
    except ValueError as exc:
        key = "transport" if row.get("transport", "").strip() else "transport_detail"
        err(key, _("未知的交通方式：%(v)s") % {"v": exc.args[0]})
    grid_text = row.get("grid", "").strip()
    parsed["grid"] = ctx.grids.get(grid_text) if grid_text else ctx.default_grid
    if grid_text and parsed["grid"] is None:
        err("grid", _("找不到网格或不在您的管辖范围：%(v)s") % {"v": grid_text})
    if id_parsed is not None:
        # Every parsed number counts, also on a row refused for something else.
        key = (id_number_index(id_parsed.value), policy.pk if policy else None)
        first = ctx.seen.setdefault(key, number)
        if first != number:
            err("id_number", _("与第%(n)d行重复") % {"n": first})
    return parsed, errors


def _import_row(number: int, parsed: dict, ctx: _Context, report: ListImportReport) -> str:
    """Register one valid row; returns the preview action. Raises ValidationError."""
    from bastion.people.selectors import person_for_registration

    policy: Policy = parsed["policy"]
    # Only a person the importer may change counts as "on file" here: someone on file
    # outside her reach looks exactly like nobody (people.services.person_register).
    existing = person_for_registration(actor=ctx.actor, id_number=parsed["id_number"])
    if (
        existing is not None
        and Observation.objects.filter(
            person=existing, policy=policy, status=ObservationStatus.ACTIVE
        ).exists()
    ):
        return "skipped"
    grid = parsed["grid"] or (existing.region if existing else None)
    if grid is None:
        raise ValidationError({"grid": [_("请填写网格（新人员必须归入网格）")]})
    data = PersonInput(
        name=parsed["name"],
        id_number=parsed["id_number"],
        phone=parsed["phone"],
        grid=grid,
        address_text=parsed["address"],
    )
    try:
        observation_register(
            actor=ctx.actor,
            policy=policy,
            origin=parsed["origin"],
            person_data=data,
            arrived_on=parsed["arrived_on"],
            last_contact_on=parsed["last_contact_on"],
            transport=parsed["transport"],
            transport_number=parsed["transport_number"],
        )
    except PermissionDenied as exc:
        raise ValidationError({"grid": [_("不在您的管辖范围")]}) from exc
    if existing is None:
        report.people_created += 1
        return "created_person"
    return "created"


def _errors_of(number: int, exc: ValidationError) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [
            RowError(number, LABELS[FIELD_COLUMN.get(key, "name")], str(message))
            for key, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [RowError(number, LABELS["name"], m) for m in exc.messages]


def _check_header(source, filename: str, default_origin: str) -> None:
    """A list without a 来源地 column needs an origin for the whole file."""
    if default_origin:
        return
    from bastion.core.tabular import open_table

    stream = open(source, "rb") if isinstance(source, (str, Path)) else source  # noqa: SIM115
    try:
        table = open_table(stream, filename=filename, columns=COLUMNS)
        table.close()
        if "origin" not in table.positions:
            raise TableError(_("文件中没有“来源地”列，请为整个文件填写默认来源地"))
    finally:
        if isinstance(source, (str, Path)):
            stream.close()
        else:
            stream.seek(0)


def list_import(
    *,
    actor,
    source: str | Path | IO[bytes],
    filename: str,
    dry_run: bool = True,
    mode: str = ImportMode.ALL_OR_NOTHING,
    default_policy: Policy | None = None,
    default_grid: Region | None = None,
    default_origin: str = "",
    error_workbook=None,
    progress=None,
) -> ListImportReport:
    """Dry run (default) or import a pushed-down list; writes an error workbook if asked.

    `default_origin` is the 来源地 of rows that have none (a list without that column
    needs it). `progress(rows_done)` is called every few rows.
    """
    report = ListImportReport(dry_run=dry_run, mode=mode)
    default_origin = (default_origin or "").strip()[:100]
    ctx = _Context(actor, _policies(), _grids(actor), default_policy, default_grid, default_origin)
    rejected_rows: list[tuple[int, dict[str, str], list[RowError]]] = []
    totals: list[int] = []
    try:
        _check_header(source, filename, default_origin)
        with transaction.atomic():
            rows = read_table(source, filename=filename, columns=COLUMNS, totals_rows=totals)
            for number, row in rows:
                report.rows_read += 1
                _list_row(number, row, ctx, report, rejected_rows)
                if progress is not None and report.rows_read % 100 == 0:
                    progress(report.rows_read)
            for number in totals:
                report.skip_totals_row(number)
            if report.rows_read == 0:
                raise TableError(nothing_to_import_message())
            if dry_run or (mode == ImportMode.ALL_OR_NOTHING and report.error_count):
                raise _Rollback
            report.committed = True
            audit_record(
                actor=actor,
                action=Action.IMPORT,
                object_type="monitoring.observation",
                object_repr=PurePath(filename).name[:200],
                changes={
                    "rows": [None, report.rows_read],
                    "created": [None, report.created],
                    "skipped": [None, report.skipped],
                    "rejected": [None, report.rejected],
                },
            )
    except _Rollback:
        pass
    except TableError as exc:
        report.file_error = str(exc)
    if error_workbook is not None and rejected_rows:
        write_error_workbook(error_workbook, columns=COLUMNS, rows=rejected_rows)
    return report


def _list_row(number: int, row: dict, ctx: _Context, report, rejected_rows: list) -> None:
    parsed, errors = _parse_row(number, row, ctx)
    action = ""
    if not errors:
        try:
            with transaction.atomic():
                action = _import_row(number, parsed, ctx, report)
        except ValidationError as exc:
            errors = _errors_of(number, exc)
    if errors:
        report.rejected += 1
        for error in errors:
            report.reject(error)
        rejected_rows.append((number, row, errors))
        action = "rejected"
    elif action == "skipped":
        report.skipped += 1
        report.skipped_rows.append(
            {"row": number, "name": row.get("name", ""), "message": _("已在观察中")}
        )
    else:
        report.created += 1
        if action == "created":
            report.merged += 1
    if len(report.preview) < PREVIEW_ROWS:
        report.preview.append(_preview(number, row, parsed, action, errors))


def _preview(number: int, row: dict, parsed: dict, action: str, errors: list[RowError]) -> dict:
    labels = {
        "created_person": _("新建人员并登记观察"),
        "created": _("已有人员，登记观察"),
        "skipped": _("已在观察中，跳过"),
        "rejected": _("有错误"),
    }
    policy = parsed.get("policy")
    return {
        "row": number,
        "name": row.get("name", ""),
        "id_number": mask_id_number(parsed["id_number"]) if parsed.get("id_number") else "",
        "category": policy.name_zh if policy else row.get("category", ""),
        "origin": parsed.get("origin") or row.get("origin", ""),
        "arrived_on": row.get("arrived_on", ""),
        "action": action,
        "action_label": labels.get(action, ""),
        "errors": [e.text() for e in errors],
    }


# --- Import jobs (the upload kept between preview and run: people.importjobs) -------


def list_import_job(*, actor, job, dry_run: bool, mode: str, progress=None, error_workbook=None):
    """The importer of an "observations" ImportJob: its file, default grid, category and
    origin (job.options)."""
    options = job.options or {}
    category = options.get("policy") or ""
    policy = Policy.objects.filter(category=category).first() if category else None
    return list_import(
        actor=actor,
        source=job.stored_path,
        filename=job.filename,
        dry_run=dry_run,
        mode=mode,
        default_policy=policy,
        default_grid=job.default_grid,
        default_origin=options.get("origin", ""),
        error_workbook=error_workbook,
        progress=progress,
    )
