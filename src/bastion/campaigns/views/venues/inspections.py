"""Inspection pages: record one against the venue kind's checklist, its page, its photos,
and the retry of its violation incident."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.campaigns.forms.common import form_errors
from bastion.campaigns.forms.venues import InspectionForm
from bastion.campaigns.models import InspectionResult
from bastion.campaigns.selectors.venues import inspection_get, venue_get
from bastion.campaigns.services import links
from bastion.campaigns.services.venues import inspection_incident_retry, inspection_record
from bastion.campaigns.views.common import report_retry, warn_all
from bastion.core.uploads import upload_response


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
