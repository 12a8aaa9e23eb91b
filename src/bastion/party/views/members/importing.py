"""Member roster import: upload, preview, run, and the workbook of rejected rows."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.party import services
from bastion.party.forms import members as forms
from bastion.party.models import MemberImport
from bastion.party.pickers import pick_organization
from bastion.party.views.common import require_anywhere, submitted
from bastion.party.views.members.roster import TAB


def _require_import(user) -> None:
    require_anywhere(user, Perm.PARTY_MANAGE)


def _job(request, public_id):
    job = MemberImport.objects.filter(public_id=public_id, created_by=request.user).first()
    if job is None:
        raise Http404
    return job


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_import(request.user)
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None)

    def act(d):
        org = None
        if d.get("default_organization"):
            org = pick_organization(
                request.user,
                d["default_organization"],
                field="default_organization",
                perm=Perm.PARTY_MANAGE,
            )
        return services.member_import_upload(
            actor=request.user, uploaded_file=d["file"], default_organization=org
        )

    job = submitted(request, form, act)
    if job:
        return redirect("party:import_preview", job.public_id)
    return render(
        request,
        "party/members/import_upload.html",
        {"tab": TAB, "form": form, "columns": services.memberimport.COLUMNS},
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
def import_preview(request: HttpRequest, public_id) -> HttpResponse:
    _require_import(request.user)
    job = _job(request, public_id)
    if job.status == job.Status.DONE:
        report = job.report
        result = True
    else:
        try:
            report = services.member_import_preview(actor=request.user, job=job).as_dict()
        except ValidationError as exc:
            report = {"file_error": " ".join(exc.messages)}
        result = False
    return render(
        request,
        "party/members/import_preview.html",
        {"tab": TAB, "job": job, "report": report, "result": result},
    )


@login_required
@require_POST
def import_run(request: HttpRequest, public_id) -> HttpResponse:
    _require_import(request.user)
    job = _job(request, public_id)
    form = forms.ImportRunForm(request.POST)
    mode = (form.cleaned_data.get("mode") if form.is_valid() else "") or "all_or_nothing"
    try:
        report = services.member_import_execute(actor=request.user, job=job, mode=mode).as_dict()
    except ValidationError as exc:
        report = {"file_error": " ".join(exc.messages)}
    return render(
        request,
        "party/members/import_preview.html",
        {"tab": TAB, "job": job, "report": report, "result": True},
    )


@login_required
def import_errors(request: HttpRequest, public_id) -> HttpResponse:
    """The rejected rows of the pending file with their reasons (.xlsx)."""
    _require_import(request.user)
    job = _job(request, public_id)
    buffer = io.BytesIO()
    try:
        services.member_import_error_workbook(actor=request.user, job=job, target=buffer)
    except ValidationError as exc:
        raise Http404 from exc
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="member-import-errors.xlsx")
