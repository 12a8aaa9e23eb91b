"""Scoped reads of daily forms: which forms a user deals with, which units must file, who
has not, and the rolled-up totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from bastion.access.roles import Perm
from bastion.access.scoping import region_paths, restrict_by_path
from bastion.command.models import DailyForm, DailyReport, FieldKind
from bastion.command.selectors.common import get_or_404, signed_in
from bastion.command.services.dailyforms import deadline_of
from bastion.geo.models import Region

PERM = Perm.COMMAND_VIEW


def _overlaps_q(user, perm: str) -> Q | None:
    """Forms whose region contains one of the user's grants, or lies inside one."""
    paths = region_paths(user, perm)
    if paths is None:
        return None
    q = Q(pk__in=[])
    for path in paths:
        ancestors = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
        q |= Q(path__startswith=path) | Q(path__in=ancestors)
    return q


def daily_form_list(*, user, include_inactive: bool = False) -> QuerySet[DailyForm]:
    if not signed_in(user):
        return DailyForm.objects.none()
    qs = DailyForm.objects.all()
    q = _overlaps_q(user, PERM)
    if q is not None:
        q2 = _overlaps_q(user, Perm.DAILY_FORM)
        qs = qs.filter(q | q2) if q2 is not None else qs
    if not include_inactive:
        qs = qs.filter(active=True)
    return qs.select_related("region")


def daily_form_get(*, user, public_id) -> DailyForm:
    return get_or_404(daily_form_list(user=user, include_inactive=True), public_id=public_id)


def filing_units(form: DailyForm, *, as_of: dt.datetime | None = None) -> QuerySet[Region]:
    qs = Region.objects.filter(path__startswith=form.path, level__in=form.levels)
    if as_of is not None:
        qs = qs.filter(created_at__lte=as_of)
    return qs


def units_to_file(*, user, form: DailyForm) -> QuerySet[Region]:
    """The filing units the user may file for (DAILY_FORM region grants)."""
    return restrict_by_path(filing_units(form), user, Perm.DAILY_FORM).order_by("path")


@dataclass
class UnitRow:
    region: Region
    report: DailyReport | None
    overdue: bool


@dataclass
class FormStatus:
    form: DailyForm
    day: dt.date
    deadline: dt.datetime
    rows: list[UnitRow]
    totals: dict[str, int] = field(default_factory=dict)
    by_child: list[tuple[Region, int, int, dict[str, int]]] = field(default_factory=list)

    @property
    def filed(self) -> int:
        return sum(1 for r in self.rows if r.report is not None)

    @property
    def missing(self) -> list[UnitRow]:
        return [r for r in self.rows if r.report is None]


def _add(totals: dict[str, int], form_fields, values: dict) -> None:
    for f in form_fields:
        if f.kind == FieldKind.INTEGER and isinstance(values.get(f.code), int):
            totals[f.code] = totals.get(f.code, 0) + values[f.code]


def form_status(
    *,
    user,
    form: DailyForm,
    day: dt.date,
    within: Region | None = None,
    now: dt.datetime | None = None,
) -> FormStatus:
    """Every filing unit the user sees (under `within`), filed or not on `day`, the totals of
    the integer fields and a subtotal per child of `within` (one row per town, say)."""
    now = now or timezone.now()
    units = restrict_by_path(filing_units(form), user, PERM)
    if within is not None:
        units = units.filter(path__startswith=within.path)
    units = list(units.order_by("path"))
    reports = {
        r.region_id: r
        for r in DailyReport.objects.filter(
            form=form, local_date=day, region__in=[u.pk for u in units]
        )
    }
    deadline = deadline_of(form, day)
    fields = list(form.fields.all())
    status = FormStatus(form, day, deadline, [])
    for unit in units:
        report = reports.get(unit.pk)
        status.rows.append(UnitRow(unit, report, report is None and now > deadline))
        if report is not None:
            _add(status.totals, fields, report.values)
    if within is not None:
        children = list(Region.objects.filter(parent=within).order_by("path"))
        for child in children:
            rows = [r for r in status.rows if r.region.path.startswith(child.path)]
            if not rows:
                continue
            sub: dict[str, int] = {}
            for row in rows:
                if row.report is not None:
                    _add(sub, fields, row.report.values)
            status.by_child.append((child, sum(1 for r in rows if r.report), len(rows), sub))
    return status


def missing_units_q(*, as_of: dt.datetime) -> Q:
    """Regions that owe an active form for the local day of `as_of` whose deadline has passed
    at `as_of`, and have not filed it by then."""
    day = timezone.localtime(as_of).date()
    q = Q(pk__in=[])
    for form in DailyForm.objects.filter(active=True, created_at__lte=as_of):
        if as_of < deadline_of(form, day):
            continue
        filed = DailyReport.objects.filter(form=form, local_date=day, filed_at__lte=as_of).values(
            "region_id"
        )
        q |= Q(path__startswith=form.path, level__in=form.levels) & ~Q(pk__in=filed)
    return q
