"""Re-screening, arrival logging and the list import (upload -> preview -> confirm)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.core.importing import ImportMode
from bastion.geo.models import Region
from bastion.monitoring import forms_observations as forms
from bastion.monitoring.models import Policy, RiskArea
from bastion.monitoring.selectors.rescreen import rescreen_overview
from bastion.monitoring.services.arrivals import arrival_record
from bastion.monitoring.services.listimport import (
    COLUMNS,
    list_import,
    upload_discard,
    upload_path,
    upload_store,
)
from bastion.monitoring.views.observations import form_errors
from bastion.people.selectors import person_get

UPLOAD_KEY = "monitoring_list_import"


@login_required
def rescreen(request: HttpRequest) -> HttpResponse:
    """People in the user's grids who arrived from a risk area in its window, unobserved."""
    if not has_perm(request.user, Perm.PERSON_VIEW):
        raise Http404
    area = None
    if request.GET.get("area"):
        try:
            area = RiskArea.objects.get(public_id=request.GET["area"])
        except (RiskArea.DoesNotExist, ValueError, ValidationError) as exc:
            raise Http404 from exc
    groups = rescreen_overview(user=request.user, area=area)
    return render(
        request,
        "monitoring/observations/rescreen.html",
        {
            "groups": groups,
            "area": area,
            "can_register": has_perm(request.user, Perm.PERSON_CHANGE),
        },
    )


@login_required
def arrival_new(request: HttpRequest, person_id) -> HttpResponse:
    """Log a returnee's arrival (before any observation category applies)."""
    person = person_get(user=request.user, public_id=person_id, perm=Perm.PERSON_CHANGE)
    form = forms.ArrivalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            arrival_record(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已记录到达信息"))
            return redirect("people:person", person.public_id)
    return render(
        request,
        "monitoring/observations/arrival.html",
        {"form": form, "person": person},
        status=422 if form.errors else 200,
    )


def _require_import(user) -> None:
    if not (has_perm(user, Perm.PERSON_IMPORT) and has_perm(user, Perm.PERSON_CHANGE)):
        raise Http404


@login_required
def list_upload(request: HttpRequest) -> HttpResponse:
    _require_import(request.user)
    form = forms.ListUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            token, filename = upload_store(form.cleaned_data["file"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            previous = request.session.get(UPLOAD_KEY, {}).get("token")
            if previous:
                upload_discard(previous)
            policy, grid = form.cleaned_data["default_policy"], form.cleaned_data["default_grid"]
            request.session[UPLOAD_KEY] = {
                "token": token,
                "filename": filename,
                "policy": policy.category if policy else "",
                "grid": grid.code if grid else "",
            }
            return redirect("monitoring:list_preview")
    return render(
        request,
        "monitoring/observations/import_upload.html",
        {"form": form, "columns": COLUMNS},
        status=422 if form.errors else 200,
    )


def _pending(request) -> tuple[dict, dict]:
    pending = request.session.get(UPLOAD_KEY)
    if not pending:
        raise Http404
    try:
        path = upload_path(pending["token"])
    except ValidationError as exc:
        raise Http404 from exc
    kwargs = {"source": path, "filename": pending["filename"], "actor": request.user}
    if pending.get("policy"):
        kwargs["default_policy"] = Policy.objects.filter(category=pending["policy"]).first()
    if pending.get("grid"):
        kwargs["default_grid"] = Region.objects.filter(code=pending["grid"]).first()
    return pending, kwargs


@login_required
def list_preview(request: HttpRequest) -> HttpResponse:
    _require_import(request.user)
    pending, kwargs = _pending(request)
    report = list_import(dry_run=True, **kwargs)
    return render(
        request,
        "monitoring/observations/import_preview.html",
        {"report": report, "filename": pending["filename"], "modes": ImportMode, "result": False},
    )


@login_required
def list_run(request: HttpRequest) -> HttpResponse:
    _require_import(request.user)
    if request.method != "POST":
        return redirect("monitoring:list_preview")
    pending, kwargs = _pending(request)
    form = forms.ListRunForm(request.POST)
    mode = form.cleaned_data["mode"] if form.is_valid() else ImportMode.ALL_OR_NOTHING
    report = list_import(dry_run=False, mode=mode, **kwargs)
    if report.committed:
        upload_discard(pending["token"])
        request.session.pop(UPLOAD_KEY, None)
    return render(
        request,
        "monitoring/observations/import_preview.html",
        {"report": report, "filename": pending["filename"], "modes": ImportMode, "result": True},
    )


@login_required
def list_errors(request: HttpRequest) -> HttpResponse:
    """The error workbook of the pending upload (rows with their reasons)."""
    _require_import(request.user)
    _pending_, kwargs = _pending(request)
    buffer = io.BytesIO()
    list_import(dry_run=True, error_workbook=buffer, **kwargs)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="errors.xlsx")
