"""Re-screening, arrival logging and the list import (upload -> preview -> confirm)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.monitoring import forms_observations as forms
from bastion.monitoring.models import RiskArea
from bastion.monitoring.selectors.rescreen import rescreen_overview
from bastion.monitoring.services.arrivals import arrival_record
from bastion.monitoring.services.listimport import COLUMNS, list_import_job
from bastion.monitoring.views.observations import form_errors
from bastion.people.models import ImportJob
from bastion.people.selectors import import_job_get, person_get
from bastion.people.services import import_job_create, import_job_preview
from bastion.people.views import (
    ImportPages,
    import_job_errors,
    import_job_page,
    import_job_progress,
    import_job_start,
)


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


# The list import runs as an ImportJob of kind "observations": the same private upload
# store, retention, re-run and rejected-row pages as the roster import.
LIST_PAGES = ImportPages(
    namespace="monitoring",
    upload="list_import",
    prefix="list",
    importer=list_import_job,
    preview_template="monitoring/observations/import_preview.html",
    summary_template="monitoring/observations/_import_summary.html",
)
_KINDS = (ImportJob.Kind.OBSERVATIONS,)


@login_required
def list_upload(request: HttpRequest) -> HttpResponse:
    _require_import(request.user)
    form = forms.ListUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = import_job_create(
                actor=request.user,
                uploaded_file=data["file"],
                kind=ImportJob.Kind.OBSERVATIONS,
                default_grid=data["default_grid"],
                options={
                    "policy": data["default_policy"].category if data["default_policy"] else "",
                    "origin": data["default_origin"],
                },
            )
            import_job_preview(actor=request.user, job=job, importer=list_import_job)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("monitoring:list_job", job.public_id)
    return render(
        request,
        "monitoring/observations/import_upload.html",
        {"form": form, "columns": COLUMNS},
        status=422 if form.errors else 200,
    )


def _job(request, public_id):
    _require_import(request.user)
    return import_job_get(user=request.user, public_id=public_id, kinds=_KINDS)


@login_required
def list_job(request: HttpRequest, public_id) -> HttpResponse:
    return import_job_page(request, _job(request, public_id), LIST_PAGES)


@login_required
@require_POST
def list_run(request: HttpRequest, public_id) -> HttpResponse:
    return import_job_start(request, _job(request, public_id), LIST_PAGES)


@login_required
def list_progress(request: HttpRequest, public_id) -> HttpResponse:
    return import_job_progress(request, _job(request, public_id), LIST_PAGES)


@login_required
def list_errors(request: HttpRequest, public_id) -> HttpResponse:
    """The rejected rows (ID and phone masked unless ?full=1, audited)."""
    return import_job_errors(request, _job(request, public_id))
