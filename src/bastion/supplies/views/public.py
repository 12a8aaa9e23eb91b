"""The public transparency page (/public/supplies/, no login, rate limited per address):
what was donated and received, where it went and whether it arrived, what is in stock,
the cash; totals that reconcile with the ledger. Donors and recipients appear only as
they agreed; nothing personal beyond that."""

from __future__ import annotations

import csv
import io
from functools import wraps

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bastion.core.audit import client_ip
from bastion.core.ratelimit import rate_limit_hit
from bastion.supplies import units
from bastion.supplies.models import Category, DonorKind
from bastion.supplies.selectors import public as sel
from bastion.supplies.selectors.allocations import allocation_view
from bastion.supplies.selectors.summary import public_sources, totals

PAGE_SIZE = 20
LATEST = 8


def public_page(view):
    """GET only, rate limited per client address (429 beyond the limit)."""

    @require_GET
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        limit = getattr(settings, "BASTION_PUBLIC_REQUESTS_PER_MINUTE", 120)
        if rate_limit_hit(
            "supplies_public", client_ip(request) or "-", limit=limit, window_seconds=60
        ):
            response = render(request, "supplies/public/limited.html", status=429)
            response["Retry-After"] = "60"
            return response
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = (
            "private, max-age=60"  # the page holds a CSRF token (language switch)
        )
        return response

    return wrapped


def _page(qs, request):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@public_page
def index(request: HttpRequest) -> HttpResponse:
    figures = totals(public_sources())
    accounts, purposes = sel.public_cash()
    kinds = dict(DonorKind.choices)
    categories = dict(Category.choices)
    return render(
        request,
        "supplies/public/index.html",
        {
            "figures": figures,
            "donors_by_kind": [
                (kinds.get(k, k), n) for k, n in sorted(figures.donors_by_kind.items())
            ],
            "value_by_category": [
                (categories.get(k, k), v) for k, v in sorted(figures.value_by_category.items())
            ],
            "donations": sel.donation_rows(sel.public_donations()[:LATEST]),
            "allocations": sel.allocation_rows(sel.public_allocations()[:LATEST]),
            "accounts": accounts,
            "purposes": purposes,
        },
    )


@public_page
def donations(request: HttpRequest) -> HttpResponse:
    donor = (request.GET.get("donor") or "").strip()[: sel.SEARCH_LIMIT]
    page = _page(sel.public_donations(donor=donor), request)
    return render(
        request,
        "supplies/public/donations.html",
        {"page": page, "rows": sel.donation_rows(page.object_list), "donor": donor},
    )


@public_page
def donation(request: HttpRequest, public_id) -> HttpResponse:
    found = sel.public_donation_get(public_id)
    rows = sel.donation_rows([found])
    return render(
        request,
        "supplies/public/donation.html",
        {"donation": found, "row": rows[0], "fates": sel.donation_fate(found)},
    )


@public_page
def allocations(request: HttpRequest) -> HttpResponse:
    recipient = (request.GET.get("recipient") or "").strip()[: sel.SEARCH_LIMIT]
    page = _page(sel.public_allocations(recipient=recipient), request)
    return render(
        request,
        "supplies/public/allocations.html",
        {"page": page, "rows": sel.allocation_rows(page.object_list), "recipient": recipient},
    )


@public_page
def allocation(request: HttpRequest, public_id) -> HttpResponse:
    found = sel.public_allocation_get(public_id)
    return render(
        request,
        "supplies/public/allocation.html",
        {
            "allocation": found,
            "row": sel.allocation_rows([found])[0],
            "view": allocation_view(found),
        },
    )


@public_page
def export_csv(request: HttpRequest) -> HttpResponse:
    """Donations received and allocations issued as one CSV (UTF-8 with BOM for Excel),
    with donors and recipients named only as they agreed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("类别"),
            _("编号"),
            _("日期"),
            _("捐赠者或接收单位"),
            _("物资或款项"),
            _("数量"),
            _("单位"),
            _("已到账或已出库（基本单位）"),
            _("已确认收到（基本单位）"),
            _("基本单位"),
        ]
    )
    anonymous, undisclosed = _("匿名捐赠者"), _("（未公开名称的单位）")
    for donation_, lines, cash in sel.donation_rows(sel.public_donations()):
        day = timezone.localtime(donation_.first_received_at).date().isoformat()
        who = donation_.donor.public_name or anonymous
        for row in lines:
            line = row.line
            writer.writerow(
                [
                    _("捐赠"), donation_.number, day, who, line.item.name,
                    units.format_quantity(line.quantity), line.unit.name_zh,
                    units.format_quantity(row.received), "", line.item.base_unit.name_zh,
                ]
            )  # fmt: skip
        if cash:
            writer.writerow(
                [
                    _("捐赠"),
                    donation_.number,
                    day,
                    who,
                    _("现金"),
                    "",
                    _("元"),
                    units.format_money(cash),
                    "",
                    _("元"),
                ]
            )
    for allocation_, lines in sel.allocation_rows(sel.public_allocations()):
        day = (
            timezone.localtime(allocation_.decided_at or allocation_.requested_at)
            .date()
            .isoformat()
        )
        who = allocation_.public_recipient or undisclosed
        for row in lines:
            line = row.line
            writer.writerow(
                [
                    _("分配"), allocation_.number, day, who, line.item.name,
                    "", "", units.format_quantity(row.issued),
                    units.format_quantity(row.confirmed), line.item.base_unit.name_zh,
                ]
            )  # fmt: skip
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="supplies-public.csv"'
    return response
