"""Dashboard pages: the figures of a region or organization, charts, the big screen,
the JSON the charts refresh from, and Excel exports of every table."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bastion.access.exports import export_workbook
from bastion.core.dbrouter import reads_from_replica
from bastion.reports import dashboard as dash


class _Params:
    """The query of every dashboard URL: region or org, as_of, indicator, days."""

    def __init__(self, request: HttpRequest):
        get = request.GET
        self.region_code = get.get("region", "").strip() or None
        self.org_code = get.get("org", "").strip() or None
        self.code = get.get("indicator", "").strip() or None
        self.day: dt.date | None = None
        self.bad_date = False
        raw = get.get("as_of", "").strip()
        if raw:
            try:
                self.day = dt.date.fromisoformat(raw)
            except ValueError:
                self.bad_date = True
        if self.day is not None and self.day > timezone.localdate():
            self.day = None
        try:
            self.days = int(get.get("days", "") or 0) or None
        except ValueError:
            self.days = None
        self.where = dash.dashboard_where(
            user=request.user, region_code=self.region_code, org_code=self.org_code
        )
        self.moment = dash.day_moment(self.day) if self.day else dash.live_moment()
        self.end = self.day or timezone.localdate()

    def query(self, **extra) -> str:
        q = {**self.where.query()}
        if self.day:
            q["as_of"] = self.day.isoformat()
        q.update({k: v for k, v in extra.items() if v})
        return urlencode(q)


def _context(request: HttpRequest, params: _Params) -> dict:
    user = request.user
    sections = dash.sections(user=user, where=params.where, moment=params.moment, day=params.day)
    indicator = dash.chart_indicator(params.code, params.where)
    chart_choices = [(i.code, dash.localized(i, "name")) for i in dash.indicators_for(params.where)]
    return {
        "where": params.where,
        "day": params.day,
        "bad_date": params.bad_date,
        "moment": params.moment,
        "live": params.day is None or params.day == timezone.localdate(),
        "sections": sections,
        "headline": dash.headline(sections),
        "crumbs": dash.breadcrumbs(user, params.where),
        "indicator": indicator,
        "indicator_name": dash.localized(indicator, "name"),
        "map_choices": [(i.code, dash.localized(i, "name")) for i in dash.map_indicators()],
        "chart_choices": chart_choices,
        "children": dash.children(
            user=user, where=params.where, indicator=indicator, moment=params.moment, day=params.day
        ),
        "query": params.query(),
        "chart_query": params.query(indicator=indicator.code),
    }


@login_required
@never_cache
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    params = _Params(request)
    context = _context(request, params)
    return render(request, "reports/dashboard.html", context)


@login_required
@never_cache
@reads_from_replica
def bigscreen(request: HttpRequest) -> HttpResponse:
    params = _Params(request)
    context = _context(request, params)
    return render(request, "reports/bigscreen.html", context)


@login_required
@never_cache
@reads_from_replica
def dashboard_data(request: HttpRequest, part: str) -> JsonResponse:
    """JSON for the charts and the auto refresh: figures | trend | children | map."""
    params = _Params(request)
    user = request.user
    where = params.where
    as_of = timezone.localtime(params.moment).strftime("%Y-%m-%d %H:%M:%S")
    if part == "figures":
        sections = dash.sections(user=user, where=where, moment=params.moment, day=params.day)
        return JsonResponse(
            {
                "as_of": as_of,
                "figures": {f.code: f.value for s in sections for f in s.figures},
            }
        )
    indicator = dash.chart_indicator(params.code, where)
    meta = {
        "as_of": as_of,
        "code": indicator.code,
        "name": dash.localized(indicator, "name"),
        "unit": dash.localized(indicator, "unit"),
    }
    if part == "trend":
        points = dash.trend(
            user=user, where=where, indicator=indicator, end=params.end, days=params.days
        )
        return JsonResponse(
            {**meta, "days": [d.isoformat() for d, _v in points], "values": [v for _d, v in points]}
        )
    if part == "children":
        rows = dash.children(
            user=user, where=where, indicator=indicator, moment=params.moment, day=params.day
        )
        return JsonResponse(
            {
                **meta,
                "rows": [
                    {"code": r.code, "name": r.name, "value": r.value, "url": r.dashboard_link}
                    for r in rows
                ],
            }
        )
    if part == "map":
        payload = dash.grid_map(
            user=user, where=where, indicator=indicator, moment=params.moment, day=params.day
        )
        return JsonResponse({**meta, **payload})
    raise Http404


@login_required
@reads_from_replica
def dashboard_export(request: HttpRequest, table: str) -> HttpResponse:
    """Any dashboard table as .xlsx: the figures, the sub-regions, or the trend."""
    params = _Params(request)
    user = request.user
    where = params.where
    if table == "figures":
        sections = dash.sections(user=user, where=where, moment=params.moment, day=params.day)
        headers = [_("分类"), _("指标"), _("数值"), _("单位"), _("指标代码")]
        rows = [[s.label, f.name, f.value, f.unit, f.code] for s in sections for f in s.figures]
        title = _("防控工作指标")
    else:
        indicator = dash.chart_indicator(params.code, where)
        name = dash.localized(indicator, "name")
        unit = dash.localized(indicator, "unit")
        if table == "children":
            headers = [_("代码"), _("名称"), _("层级"), name, _("单位")]
            rows = [
                [r.code, r.name, r.level, r.value, unit]
                for r in dash.children(
                    user=user,
                    where=where,
                    indicator=indicator,
                    moment=params.moment,
                    day=params.day,
                )
            ]
            title = _("%(name)s（分下级）") % {"name": name}
        elif table == "trend":
            headers = [_("日期"), name, _("单位")]
            rows = [
                [d.isoformat(), v, unit]
                for d, v in dash.trend(
                    user=user, where=where, indicator=indicator, end=params.end, days=params.days
                )
            ]
            title = _("%(name)s（逐日）") % {"name": name}
        else:
            raise Http404
    return export_workbook(
        user=user,
        request=request,
        title=title,
        scope_label=where.label,
        as_of=params.moment,
        headers=headers,
        rows=rows,
        filename=f"dashboard-{table}",
        path=where.region.path if where.region else "",
    )
