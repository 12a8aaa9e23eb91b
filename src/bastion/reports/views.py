"""Web pages of the indicators: the figures for the user's scope and the records behind each."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bastion.core.dbrouter import reads_from_replica
from bastion.reports import selectors

RECORDS_PER_PAGE = 50


def _filters(request: HttpRequest) -> tuple[str | None, dt.date | None]:
    region = request.GET.get("region", "").strip() or None
    raw = request.GET.get("as_of", "").strip()
    as_of = None
    if raw:
        try:
            as_of = dt.date.fromisoformat(raw)
        except ValueError:
            messages.warning(request, _("截止日期格式应为 YYYY-MM-DD，已按今天统计"))
    return region, as_of


@login_required
@reads_from_replica
def index(request: HttpRequest) -> HttpResponse:
    region_code, as_of = _filters(request)
    region, values = selectors.indicator_values(
        user=request.user, region_code=region_code, as_of=as_of
    )
    rows = [
        {
            "value": v,
            "name": selectors.localized(v.indicator, "name"),
            "unit": selectors.localized(v.indicator, "unit"),
        }
        for v in values
    ]
    return render(
        request,
        "reports/index.html",
        {"rows": rows, "region": region, "as_of": as_of, "query": request.GET.urlencode()},
    )


@login_required
@reads_from_replica
def records(request: HttpRequest, code: str) -> HttpResponse:
    region_code, as_of = _filters(request)
    result, rows = selectors.indicator_drilldown(
        user=request.user, code=code, region_code=region_code, as_of=as_of
    )
    page = Paginator(rows, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/records.html",
        {
            "result": result,
            "name": selectors.localized(result.indicator, "name"),
            "unit": selectors.localized(result.indicator, "unit"),
            "page": page,
            "region": result.region,
            "as_of": as_of,
        },
    )
