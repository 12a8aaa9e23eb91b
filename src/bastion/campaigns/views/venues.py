"""Venue pages: registry, venue page (inspections, letters, check-in code), forms,
the printable QR poster, files, and the venue kinds (county command)."""

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
from bastion.campaigns.forms.venues import (
    CommitmentForm,
    InspectionForm,
    ReasonForm,
    TraceForm,
    VenueForm,
    VenueKindForm,
)
from bastion.campaigns.models import InspectionResult
from bastion.campaigns.selectors.venues import (
    checkin_counts,
    commitment_get,
    commitment_list,
    inspection_get,
    inspection_list,
    venue_get,
    venue_kind_get,
    venue_kinds,
    venue_list,
)
from bastion.campaigns.services import links
from bastion.campaigns.services.checkins import venue_contact_reveal
from bastion.campaigns.services.venues import (
    commitment_record,
    commitment_withdraw,
    inspection_incident_retry,
    inspection_record,
    may_edit_kinds,
    venue_checkin_code_reissue,
    venue_close,
    venue_create,
    venue_kind_save,
    venue_update,
)
from bastion.campaigns.views.common import (
    no_store,
    page_of,
    posted,
    report_retry,
    require_perm,
    run_action,
    warn_all,
)
from bastion.core.audit import client_ip
from bastion.core.uploads import upload_response
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


# --- Inspections ------------------------------------------------------------------------


@login_required
def inspection_new(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    venue = venue_get(user=user, public_id=public_id)
    if not can_on_path(user, Perm.VISIT_RECORD, venue.path):
        raise PermissionDenied
    follows = None
    if request.GET.get("follows"):
        follows = inspection_get(user=user, public_id=request.GET["follows"])
        if follows.venue_id != venue.pk:
            raise Http404
    form = InspectionForm(request.POST or None, checklist=venue.kind.checklist)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection, warnings = inspection_record(
                actor=user,
                venue=venue,
                result=data["result"],
                passed_items=data["passed_items"],
                rectify_by=data["rectify_by"],
                note=data["note"],
                photos=request.FILES.getlist("photos"),
                follows=follows,
                inspected_at=data["inspected_at"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("检查已登记"))
            warn_all(request, warnings)
            return redirect("campaigns:inspection", inspection.public_id)
    return render(
        request,
        "campaigns/venues/inspect.html",
        {"venue": venue, "form": form, "follows": follows},
        status=422 if form.errors else 200,
    )


@login_required
def inspection_detail(request: HttpRequest, public_id) -> HttpResponse:
    inspection = inspection_get(user=request.user, public_id=public_id)
    return render(
        request,
        "campaigns/venues/inspection.html",
        {
            "inspection": inspection,
            "venue": inspection.venue,
            "photos": list(inspection.photos.all()),
            "incident_link": links.incident_link(inspection.incident_ref),
            "failed": inspection.result != InspectionResult.COMPLIANT,
            "can_inspect": can_on_path(request.user, Perm.VISIT_RECORD, inspection.path),
        },
    )


@login_required
@require_POST
def inspection_incident_view(request: HttpRequest, public_id) -> HttpResponse:
    inspection = inspection_get(user=request.user, public_id=public_id)
    report_retry(
        request, lambda: inspection_incident_retry(actor=request.user, inspection=inspection)
    )
    return redirect("campaigns:inspection", inspection.public_id)


@login_required
def inspection_photo(request: HttpRequest, public_id, photo_id) -> HttpResponse:
    inspection = inspection_get(user=request.user, public_id=public_id)
    photo = next((p for p in inspection.photos.all() if str(p.public_id) == str(photo_id)), None)
    if photo is None:
        raise Http404
    return upload_response(photo)


# --- Commitment letters ------------------------------------------------------------------


@login_required
def commitment_new(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    venue = venue_get(user=user, public_id=public_id)
    if not can_on_path(user, Perm.VISIT_RECORD, venue.path):
        raise PermissionDenied
    form = CommitmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment_record(
                actor=user,
                venue=venue,
                signed_by=data["signed_by"],
                signer_role=data["signer_role"],
                signed_on=data["signed_on"],
                scan=data.get("scan"),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("承诺书已登记"))
            return redirect("campaigns:venue", venue.public_id)
    return render(
        request,
        "campaigns/venues/commitment.html",
        {"venue": venue, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def commitment_scan(request: HttpRequest, public_id) -> HttpResponse:
    commitment = commitment_get(user=request.user, public_id=public_id)
    if commitment.scan is None:
        raise Http404
    return upload_response(commitment.scan)


@login_required
@require_POST
def commitment_withdraw_view(request: HttpRequest, public_id) -> HttpResponse:
    commitment = commitment_get(user=request.user, public_id=public_id)
    run_action(
        request,
        lambda: commitment_withdraw(
            actor=request.user, commitment=commitment, reason=posted(request)
        ),
        _("承诺书已作废"),
    )
    return redirect("campaigns:venue", commitment.venue.public_id)


# --- Venue kinds ----------------------------------------------------------------------


@login_required
def venue_kind_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.CAMPAIGN_VIEW)
    return render(
        request,
        "campaigns/venues/kinds.html",
        {"kinds": venue_kinds(), "can_edit": may_edit_kinds(request.user)},
    )


@login_required
def venue_kind_edit(request: HttpRequest, public_id=None) -> HttpResponse:
    if not may_edit_kinds(request.user):
        raise PermissionDenied
    kind = venue_kind_get(public_id=public_id) if public_id else None
    initial = {}
    if kind is not None:
        initial = {
            "name_zh": kind.name_zh,
            "name_en": kind.name_en,
            "checklist": "\n".join(kind.checklist),
            "order": kind.order,
            "active": kind.active,
        }
    form = VenueKindForm(request.POST or None, initial=initial, editing=kind is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            venue_kind_save(
                actor=request.user,
                kind=kind,
                code=data.get("code", ""),
                name_zh=data["name_zh"],
                name_en=data["name_en"],
                checklist=data["checklist"],
                order=data["order"],
                active=data["active"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("场所类型已保存"))
            return redirect("campaigns:venue_kinds")
    return render(
        request,
        "campaigns/venues/kind_form.html",
        {"form": form, "kind": kind},
        status=422 if form.errors else 200,
    )
