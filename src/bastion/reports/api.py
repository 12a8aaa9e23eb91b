"""GET /api/v1/indicators: indicator definitions, scoped figures and the records behind them."""

# No `from __future__ import annotations` here: ninja's @paginate builds its query model
# from the real annotation objects and cannot resolve string annotations.

import datetime as dt

from ninja import Router
from ninja.pagination import paginate

from bastion.core.dbrouter import reads_from_replica
from bastion.core.indicators import Indicator
from bastion.core.pagination import PageNumberPagination
from bastion.reports import selectors
from bastion.reports.schemas import IndicatorOut, IndicatorValueOut, RecordOut

router = Router(tags=["indicators"])


def indicator_out(indicator: Indicator) -> dict:
    return {
        "code": indicator.code,
        "name": selectors.localized(indicator, "name"),
        "name_zh": indicator.name_zh,
        "name_en": indicator.name_en,
        "unit": selectors.localized(indicator, "unit"),
        "unit_zh": indicator.unit_zh,
        "unit_en": indicator.unit_en,
        "description": str(indicator.description),  # in the caller's language
    }


@router.get("", response=list[IndicatorOut], summary="List the registered indicators")
def indicator_list(request):
    return [indicator_out(i) for i in selectors.indicator_list(user=request.user)]


@router.get(
    "/{code}",
    response=IndicatorValueOut,
    summary="One figure for the caller's scope",
    description="`region` narrows to a visible region code; `as_of` gives the figure at the "
    "end of that local day (YYYY-MM-DD).",
)
@reads_from_replica
def indicator_value(
    request,
    code: str,
    region: str | None = None,
    as_of: dt.date | None = None,
):
    result = selectors.indicator_value(
        user=request.user, code=code, region_code=region, as_of=as_of
    )
    return {
        "indicator": indicator_out(result.indicator),
        "value": result.value,
        "as_of": result.as_of,
        "region": result.region,
        "breakdown": [
            {"code": key, "label": label, "value": value} for key, label, value in result.breakdown
        ],
    }


@router.get(
    "/{code}/records", response=list[RecordOut], summary="The records behind a figure (masked)"
)
@paginate(PageNumberPagination, page_size=50)
@reads_from_replica
def indicator_records(
    request,
    code: str,
    region: str | None = None,
    as_of: dt.date | None = None,
):
    return selectors.indicator_records(
        user=request.user, code=code, region_code=region, as_of=as_of
    )
