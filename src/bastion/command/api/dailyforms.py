"""Daily forms (configured by the county command, filed by units), their status per day,
a unit's daily figures, and file uploads. No `from __future__ import annotations` (ninja)."""

import datetime as dt
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile

from bastion.command.api.common import api_user, refusals
from bastion.command.api.schemas import (
    ActiveIn,
    CommandFiguresOut,
    DailyFieldIn,
    DailyFormIn,
    DailyFormOut,
    DailyFormPatchIn,
    DailyReportIn,
    DailyReportOut,
    FigureOut,
    FileOut,
    FormStatusOut,
)

router = Router(tags=["command"])


@router.post("/uploads", response={201: FileOut})
def upload(request, file: UploadedFile = File(...)):  # noqa: B008 - ninja's way of declaring a file
    """Store one attachment or photo (image, PDF, Word, Excel); pass its public_id in
    `attachments` / `photos` of a later request. Only its uploader can attach it."""
    from bastion.core.uploads import ANY, upload_store

    return Status(201, upload_store(file=file, actor=api_user(request), allowed=ANY))


def _form(user, public_id):
    from bastion.command.selectors.dailyforms import daily_form_get

    return daily_form_get(user=user, public_id=public_id)


@router.get("/daily-forms", response=list[DailyFormOut])
def list_daily_forms(request, include_inactive: bool = False):
    from bastion.command.selectors.dailyforms import daily_form_list

    return list(
        daily_form_list(user=api_user(request), include_inactive=include_inactive).prefetch_related(
            "fields"
        )
    )


@router.post("/daily-forms", response={201: DailyFormOut})
@refusals
def create_daily_form(request, payload: DailyFormIn):
    """A daily form for the county of the caller (county command only); a field that would
    ask for a figure an indicator already computes is refused."""
    from bastion.command.selectors.units import county_region
    from bastion.command.services.common import require_county_command
    from bastion.command.services.dailyforms import daily_form_create

    user = api_user(request)
    require_county_command(user)
    form = daily_form_create(
        actor=user,
        region=county_region(user),
        name=payload.name,
        description=payload.description,
        levels=payload.levels,
        deadline_hour=payload.deadline_hour,
        fields=[f.dict() for f in payload.fields],
    )
    return Status(201, form)


@router.get("/daily-forms/{public_id}", response=DailyFormOut)
def get_daily_form(request, public_id: UUID):
    return _form(api_user(request), public_id)


@router.patch("/daily-forms/{public_id}", response=DailyFormOut)
@refusals
def update_daily_form(request, public_id: UUID, payload: DailyFormPatchIn):
    from bastion.command.services.dailyforms import daily_form_update

    user = api_user(request)
    form = _form(user, public_id)
    values = {
        "name": form.name,
        "description": form.description,
        "levels": form.levels,
        "deadline_hour": form.deadline_hour,
        "active": form.active,
    }
    values.update(payload.dict(exclude_unset=True, exclude_none=True))
    return daily_form_update(actor=user, form=form, **values)


@router.post("/daily-forms/{public_id}/fields", response={201: DailyFormOut})
@refusals
def add_daily_field(request, public_id: UUID, payload: DailyFieldIn):
    from bastion.command.services.dailyforms import daily_form_field_add

    user = api_user(request)
    form = _form(user, public_id)
    daily_form_field_add(actor=user, form=form, **payload.dict())
    return Status(201, _form(user, public_id))


@router.post("/daily-forms/{public_id}/fields/{code}/active", response=DailyFormOut)
@refusals
def set_daily_field_active(request, public_id: UUID, code: str, payload: ActiveIn):
    from django.http import Http404

    from bastion.command.services.dailyforms import daily_form_field_set_active

    user = api_user(request)
    form = _form(user, public_id)
    field = form.fields.filter(code=code[:40]).first()
    if field is None:
        raise Http404
    daily_form_field_set_active(actor=user, field=field, active=payload.active)
    return _form(user, public_id)


@router.post("/daily-forms/{public_id}/reports", response={201: DailyReportOut})
@refusals
def file_daily_report(request, public_id: UUID, payload: DailyReportIn):
    """File today's form for a unit (a second filing the same day corrects the first)."""
    from bastion.command.selectors.dailyforms import units_to_file
    from bastion.command.services.dailyforms import daily_report_file

    user = api_user(request)
    form = _form(user, public_id)
    unit = units_to_file(user=user, form=form).filter(code=payload.unit[:15]).first()
    if unit is None:
        raise ValidationError({"unit": [_("该单位不需要填报或不在您的范围内")]})
    return Status(201, daily_report_file(actor=user, form=form, region=unit, values=payload.values))


def _status_out(status) -> dict:
    return {
        "form": status.form.public_id,
        "day": status.day,
        "deadline": status.deadline,
        "units": len(status.rows),
        "filed": status.filed,
        "missing": len(status.missing),
        "totals": status.totals,
        "rows": [
            {
                "unit_code": row.region.code,
                "unit_name": row.region.name,
                "filed": row.report is not None,
                "late": bool(row.report and row.report.late),
                "overdue": row.overdue,
                "values": row.report.values if row.report else {},
            }
            for row in status.rows
        ],
    }


def _day(day: str) -> dt.date:
    from django.utils import timezone

    if not day:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(day)
    except ValueError as exc:
        raise ValidationError({"day": [_("日期格式应为 YYYY-MM-DD")]}) from exc


@router.get("/daily-forms/{public_id}/status", response=FormStatusOut)
def daily_form_status(request, public_id: UUID, day: str = "", region: str = ""):
    """Who has filed on `day` (default today) under `region`, who has not, and the totals."""
    from bastion.command.selectors.dailyforms import form_status
    from bastion.command.selectors.figures import figures_region

    user = api_user(request)
    form = _form(user, public_id)
    within = figures_region(user=user, code=region) if region else None
    return _status_out(form_status(user=user, form=form, day=_day(day), within=within))


@router.get("/figures/{code}", response=CommandFiguresOut)
def unit_figures(request, code: str, day: str = ""):
    """A unit's daily figures: every indicator at the end of `day`, and its daily forms."""
    from bastion.command.selectors.figures import figures_region, unit_figures, unit_form_figures

    user = api_user(request)
    region = figures_region(user=user, code=code)
    when = _day(day)
    figures = [
        FigureOut(code=f.code, name=f.name, unit=f.unit, value=f.value, group=group)
        for group, rows in unit_figures(user=user, region=region, day=when)
        for f in rows
    ]
    return {
        "region_code": region.code,
        "region_name": region.name,
        "day": when,
        "figures": figures,
        "forms": [_status_out(s) for s in unit_form_figures(user=user, region=region, day=when)],
    }
