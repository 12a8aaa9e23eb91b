"""Venue registry pages: the list, the venue page, its forms, the printable QR poster and
the contact reveal."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, has_perm, restrict_by_path
from bastion.campaigns.forms.common import form_errors
from bastion.campaigns.forms.venues import ReasonForm, TraceForm, VenueForm
from bastion.campaigns.selectors.venues import (
    checkin_counts,
    commitment_list,
    inspection_list,
    venue_get,
    venue_kinds,
    venue_list,
)
from bastion.campaigns.services.checkins import venue_contact_reveal
from bastion.campaigns.services.venues import (
    venue_checkin_code_reissue,
    venue_close,
    venue_create,
    venue_update,
)
from bastion.campaigns.views.common import no_store, page_of, posted, require_perm, run_action
from bastion.core.audit import client_ip
from bastion.geo.models import Level, Region

VENUE_STATUSES = [
    ("", gettext_lazy("全部状态")),
    ("never_inspected", gettext_lazy("未检查")),
    ("compliant", gettext_lazy("合格")),
    ("rectify", gettext_lazy("限期整改")),
    ("overdue", gettext_lazy("逾期未整改")),
    ("closed", gettext_lazy("责令停业")),
    ("unsigned", gettext_lazy("未签承诺书")),
]


def _grids(user):
    return list(
        restrict_by_path(Region.objects.filter(level=Level.GRID), user, Perm.CAMPAIGN_MANAGE)
        .order_by("path")
        .only("code", "name", "path")[:2000]
    )


@login_required
def venue_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.CAMPAIGN_VIEW)
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    q = (request.GET.get("q") or "").strip()[:50]
    within = request.GET.get("region", "")
    region = None
    if within:
        region = Region.objects.filter(code=within).first()
    qs = venue_list(
        user=user,
        within=region.path if region else None,
        kind=kind,
        q=q,
        status=status,
    )
    return render(
        request,
        "campaigns/venues/list.html",
        {
            "page": page_of(request, qs),
            "kinds": venue_kinds(),
            "kind": kind,
            "status": status,
            "statuses": VENUE_STATUSES,
            "q": q,
            "can_create": has_perm(user, Perm.CAMPAIGN_MANAGE),
        },
    )


@login_required
def venue_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.CAMPAIGN_MANAGE)
    form = VenueForm(request.POST or None, grids=_grids(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            venue = venue_create(
                actor=user,
                kind=data["kind"],
                name=data["name"],
                region=data["grid"],
                address=data["address"],
                responsible_name=data["responsible_name"],
                contact_phone=data["contact_phone"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("grid", str(exc))
        else:
            messages.success(request, _("场所已登记，场所码已生成"))
            return redirect("campaigns:venue", venue.public_id)
    return render(
        request,
        "campaigns/venues/form.html",
        {"form": form, "venue": None},
        status=422 if form.errors else 200,
    )


@login_required
def venue_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    venue = venue_get(user=user, public_id=public_id)
    inspections = list(inspection_list(user=user, venue=venue)[:20])
    return render(
        request,
        "campaigns/venues/detail.html",
        {
            "venue": venue,
            "inspections": inspections,
            "latest": inspections[0] if inspections else None,
            "letters": list(commitment_list(user=user, venue=venue)),
            "checkins": checkin_counts(venue=venue),
            "can_manage": can_on_path(user, Perm.CAMPAIGN_MANAGE, venue.path),
            "can_inspect": can_on_path(user, Perm.VISIT_RECORD, venue.path),
            "can_trace": can_on_path(user, Perm.CONTACT_TRACE, venue.path),
            "can_reveal": can_on_path(user, Perm.PII_REVEAL, venue.path),
            "checkin_url": _checkin_url(request, venue),
            "trace_form": TraceForm(),
            "reason_form": ReasonForm(),
        },
    )


def _checkin_url(request, venue) -> str:
    return request.build_absolute_uri(
        reverse("campaigns_public:checkin", args=[venue.checkin_code])
    )


@login_required
def venue_edit(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    venue = venue_get(user=user, public_id=public_id)
    if not can_on_path(user, Perm.CAMPAIGN_MANAGE, venue.path):
        raise PermissionDenied
    initial = {
        "kind": venue.kind.code,
        "name": venue.name,
        "address": venue.address,
        "responsible_name": venue.responsible_name,
    }
    form = VenueForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            venue_update(
                actor=user,
                venue=venue,
                kind=data["kind"],
                name=data["name"],
                address=data["address"],
                responsible_name=data["responsible_name"],
                contact_phone=data["contact_phone"] or None,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("campaigns:venue", venue.public_id)
    return render(
        request,
        "campaigns/venues/form.html",
        {"form": form, "venue": venue},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def venue_close_view(request: HttpRequest, public_id) -> HttpResponse:
    venue = venue_get(user=request.user, public_id=public_id)
    run_action(
        request,
        lambda: venue_close(actor=request.user, venue=venue, reason=posted(request)),
        _("场所已注销，其场所码不再接受登记"),
    )
    return redirect("campaigns:venue", venue.public_id)


@login_required
def venue_qr(request: HttpRequest, public_id) -> HttpResponse:
    """A printable poster with the venue's check-in QR code (segno SVG, no network)."""
    venue = venue_get(user=request.user, public_id=public_id)
    if venue.closed_at is not None:
        raise Http404
    url = _checkin_url(request, venue)
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2, omitsize=True)
    return render(
        request,
        "campaigns/venues/qr.html",
        {"venue": venue, "url": url, "qr_svg": mark_safe(svg)},  # noqa: S308 - segno's SVG
    )


@login_required
@require_POST
def venue_qr_reissue(request: HttpRequest, public_id) -> HttpResponse:
    venue = venue_get(user=request.user, public_id=public_id)
    venue_checkin_code_reissue(actor=request.user, venue=venue)
    messages.success(request, _("已生成新的场所码，请重新打印张贴；旧码已失效"))
    return redirect("campaigns:venue", venue.public_id)


@login_required
@require_POST
def venue_contact_view(request: HttpRequest, public_id) -> HttpResponse:
    """Reveal the venue contact's phone (htmx swaps it in); audited, never cached."""
    venue = venue_get(user=request.user, public_id=public_id)
    try:
        value = venue_contact_reveal(
            actor=request.user,
            venue=venue,
            reason=posted(request),
            ip_address=client_ip(request),
        )
    except ValidationError as exc:
        return render(
            request, "campaigns/_reveal.html", {"error": " ".join(exc.messages)}, status=422
        )
    return no_store(render(request, "campaigns/_reveal.html", {"value": value}))
