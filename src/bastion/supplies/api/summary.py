"""Figures of the caller's scope, and the public figures (no login, rate limited).

No `from __future__ import annotations`: ninja reads the runtime annotations.
"""

from django.conf import settings
from django.http import Http404
from ninja import Router

from bastion.core.apierrors import ApiError
from bastion.core.audit import client_ip
from bastion.core.ratelimit import rate_limit_hit
from bastion.core.schemas import IsoDateTime
from bastion.supplies.api.common import api_user
from bastion.supplies.api.schemas import SummaryOut
from bastion.supplies.api.stock import stock_out
from bastion.supplies.selectors.common import can_view
from bastion.supplies.selectors.summary import public_sources, scoped_sources, totals

router = Router(tags=["supplies"])


def _out(figures) -> dict:
    return {
        "as_of": figures.as_of,
        "donors": figures.donors,
        "donors_by_kind": figures.donors_by_kind,
        "donations_received": figures.donations_received,
        "donations_by_category": figures.donations_by_category,
        "value_in_kind": figures.value_in_kind,
        "value_by_category": figures.value_by_category,
        "cash": figures.cash,
        "requests_open": figures.requests_open,
        "allocations_approved": figures.allocations_approved,
        "shipments": figures.shipments,
        "shipments_confirmed": figures.shipments_confirmed,
        "shipments_short": figures.shipments_short,
        "stock": stock_out(figures.stock),
        "reconciles": figures.reconciles,
    }


@router.get("/summary", response=SummaryOut)
def summary(request, as_of: IsoDateTime | None = None):
    """Donors by kind, value in kind, cash, requests, shipments, stock of the caller's scope."""
    user = api_user(request)
    if not can_view(user):
        raise Http404
    return _out(totals(scoped_sources(user), as_of=as_of))


@router.get("/public/summary", response=SummaryOut, auth=None)
def public_summary(request):
    """The public page's figures (no login; rate limited per address)."""
    limit = getattr(settings, "BASTION_PUBLIC_REQUESTS_PER_MINUTE", 120)
    if rate_limit_hit("supplies_public", client_ip(request) or "-", limit=limit, window_seconds=60):
        raise ApiError(429, "throttled", "请求过于频繁，请稍后重试")
    return _out(totals(public_sources()))
