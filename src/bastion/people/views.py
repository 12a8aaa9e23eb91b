"""Web pages of the person registry: person page, people search, roster and region imports."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.core.audit import Action, audit_record, client_ip
from bastion.core.importing import ImportMode
from bastion.geo.selectors import region_ancestors, region_get, region_list
from bastion.people import services
from bastion.people.forms import ImportRunForm, ImportUploadForm, PersonSearchForm
from bastion.people.models import ImportJob
from bastion.people.selectors import (
    duplicate_get,
    duplicate_list,
    import_job_get,
    looks_like_identifier,
    person_get,
    person_list,
)

PAGE_SIZE = 30


@login_required
def person_detail(request: HttpRequest, public_id) -> HttpResponse:
    """One person, masked, with household members and tags; a reveal form for PII_REVEAL."""
    user = request.user
    person = person_get(user=user, public_id=public_id)
    members = []
    if person.household_id:
        members = list(
            person_list(user=user, household=person.household)
            .exclude(pk=person.pk)
            .order_by("name", "id")
        )
    ancestors = region_ancestors(person.region) if person.region_id else []
    if ancestors:
        visible = set(
            region_list(user=user)
            .filter(code__in=[a.code for a in ancestors])
            .values_list("code", flat=True)
        )
        for a in ancestors:
            a.hidden = a.code not in visible
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "members": members,
            "ancestors": ancestors,
            "can_reveal": has_perm(user, Perm.PII_REVEAL),
            "can_change": _can_change(user, person),
        },
    )


def _can_change(user, person) -> bool:
    """May the user change this person (same scope rule as person_get(perm=PERSON_CHANGE))?"""
    if not has_perm(user, Perm.PERSON_CHANGE):
        return False
    return person_list(user=user, perm=Perm.PERSON_CHANGE).filter(pk=person.pk).exists()


# --- Provisional records waiting to be merged (docs/decisions/0011) -----------------


@login_required
def duplicate_list_view(request: HttpRequest) -> HttpResponse:
    """Records registered twice (the same ID number), for officers who see both."""
    page = Paginator(duplicate_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/duplicates.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_merge(request: HttpRequest, public_id) -> HttpResponse:
    """Compare the two records and merge them, keeping the grid the person lives in."""
    provisional = duplicate_get(user=request.user, public_id=public_id)
    error = ""
    if request.method == "POST":
        try:
            person = services.person_duplicate_merge(
                actor=request.user, provisional=provisional, keep=request.POST.get("keep", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("已合并为一份档案"))
            return redirect("people:person", person.public_id)
    return render(
        request,
        "people/duplicate_merge.html",
        {"provisional": provisional, "original": provisional.duplicate_of, "error": error},
        status=422 if error else 200,
    )


SEARCH_SESSION_KEY = "people_search_q"


@login_required
def person_search(request: HttpRequest) -> HttpResponse:
    """People in scope, filtered by name/ID/phone, region and tag; masked and paginated.

    The search box posts: the text (a name, an ID or phone number) is kept in the
    session, so personal data never lands in a URL or an access log. Region and tag
    stay in the query string (?region=&tag=), which links may also carry; a plain
    ?q= works for names only (an ID or phone number there is refused).
    """
    user = request.user
    if request.method == "POST":
        form = PersonSearchForm(request.POST)
        if form.is_valid():
            request.session[SEARCH_SESSION_KEY] = form.cleaned_data["q"]
            params = {"saved": "1"} if form.cleaned_data["q"] else {}
            if form.cleaned_data["region"]:
                params["region"] = form.cleaned_data["region"]
            if form.cleaned_data["tag"]:
                params["tag"] = form.cleaned_data["tag"].code
            return redirect(f"{reverse('people:list')}?{urlencode(params)}")
    else:
        data = request.GET.copy()
        if looks_like_identifier(data.get("q", "")):
            # An ID or phone number in a URL lands in access logs: refuse to search by it.
            del data["q"]
            messages.warning(request, _("请在搜索框中输入身份证号或手机号，不要放在网址里"))
        if "q" not in data and data.get("saved"):
            data["q"] = request.session.get(SEARCH_SESSION_KEY, "")
        form = PersonSearchForm(data or None)
    region = None
    filters: dict = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["region"]:
            region = region_get(user=user, code=data["region"])
            filters["region_path"] = region.path
        if data["tag"]:
            filters["tag"] = data["tag"].code
        filters["q"] = data["q"]
    people = person_list(user=user, **filters).order_by("path", "name", "id")
    duplicates = duplicate_list(user=user).count() if has_perm(user, Perm.PERSON_CHANGE) else 0
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    q = filters.get("q", "")
    return render(
        request,
        "people/list.html",
        {
            "form": form,
            "page": page,
            "region": region,
            "searched": bool(filters.get("q") or filters.get("tag") or region),
            # Never echo an identifier back into the page; names are fine.
            "q_shown": "" if any(ch.isdigit() for ch in q) else q,
            "q_is_number": any(ch.isdigit() for ch in q),
            "duplicates": duplicates,
        },
    )


# --- Imports (rosters and region trees) -------------------------------------------
#
# The job pages (preview, run, progress, result, rejected rows) are shared with the
# observation list import, which passes its own URLs and importer (ImportPages).

IMPORT_PERMS = {
    ImportJob.Kind.PEOPLE: Perm.PERSON_IMPORT,
    ImportJob.Kind.REGIONS: Perm.REGION_IMPORT,
}
ERRORS_SHOWN = 200


def _require_import_perm(user, kind: str) -> None:
    if not has_perm(user, IMPORT_PERMS[kind]):
        raise Http404


def _job_of(request: HttpRequest, public_id, kinds=tuple(IMPORT_PERMS)) -> ImportJob:
    return import_job_get(user=request.user, public_id=public_id, kinds=kinds)


@login_required
def import_upload(request: HttpRequest, kind: str = ImportJob.Kind.PEOPLE) -> HttpResponse:
    """Upload a file; the dry run follows at once and the preview page shows its outcome."""
    user = request.user
    _require_import_perm(user, kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=user, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=user,
                uploaded_file=form.cleaned_data["file"],
                kind=kind,
                default_grid=form.cleaned_data.get("default_grid"),
            )
            services.import_job_preview(actor=user, job=job)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("people:import_job", public_id=job.public_id)
    return render(
        request,
        "people/import_upload.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": ImportJob.Kind(kind).label,
            "can_import_regions": has_perm(user, Perm.REGION_IMPORT),
            "can_import_people": has_perm(user, Perm.PERSON_IMPORT),
        },
    )


@dataclass(frozen=True)
class ImportPages:
    """How the shared job pages reach one importer: its URL names and its runner."""

    namespace: str  # "people" or "monitoring"
    upload: str  # URL name of the upload page
    prefix: str = "import"  # URL names: <prefix>_job, _run, _progress, _errors
    importer: object = None  # passed to services.import_job_run (None: roster/regions)
    preview_template: str = "people/import_preview.html"
    summary_template: str = "people/_import_summary.html"

    def url(self, name: str, job: ImportJob | None = None) -> str:
        if job is None:
            return reverse(f"{self.namespace}:{name}")
        return reverse(f"{self.namespace}:{self.prefix}_{name}", args=[job.public_id])

    def urls(self, job: ImportJob) -> dict[str, str]:
        upload = "import_regions" if job.kind == ImportJob.Kind.REGIONS else self.upload
        return {name: self.url(name, job) for name in ("job", "run", "progress", "errors")} | {
            "upload": self.url(upload)
        }


ROSTER_PAGES = ImportPages(namespace="people", upload="import")


def import_job_context(request, job: ImportJob, pages: ImportPages = ROSTER_PAGES) -> dict:
    report = job.report or {}
    errors = report.get("errors") or []
    interrupted = services.import_job_interrupted(job)
    return {
        "job": job,
        "report": report,
        "errors": errors[:ERRORS_SHOWN],
        "errors_more": max(report.get("error_count", len(errors)) - ERRORS_SHOWN, 0),
        "has_errors": bool(report.get("error_count") or report.get("file_error")),
        "has_error_rows": services.import_job_has_errors_file(job),
        "can_reveal": has_perm(request.user, Perm.PII_REVEAL),
        "interrupted": interrupted,
        "can_rerun": job.status == ImportJob.Status.FAILED or interrupted,
        "percent": _percent(job),
        "modes": ImportMode,
        "urls": pages.urls(job),
        "summary_template": pages.summary_template,
    }


def _percent(job: ImportJob) -> int:
    if not job.total_rows:
        return 0
    return min(100, round(100 * job.rows_done / job.total_rows))


def import_job_page(request: HttpRequest, job: ImportJob, pages: ImportPages) -> HttpResponse:
    """Preview (after the dry run), progress (while running), result (when finished), or
    the notice that the upload has expired."""
    templates = {
        ImportJob.Status.PREVIEWED: pages.preview_template,
        ImportJob.Status.DONE: "people/import_result.html",
        ImportJob.Status.FAILED: "people/import_result.html",
        ImportJob.Status.EXPIRED: "people/import_result.html",
    }
    template = templates.get(job.status, "people/import_running.html")
    return render(request, template, import_job_context(request, job, pages))


def import_job_start(request: HttpRequest, job: ImportJob, pages: ImportPages) -> HttpResponse:
    """Run a previewed, failed or interrupted job in the chosen mode; all-or-nothing
    refuses a file with errors."""
    form = ImportRunForm(request.POST)
    target = pages.url("job", job)
    runnable = (
        job.status == ImportJob.Status.PREVIEWED
        or import_job_context(request, job, pages)["can_rerun"]
    )
    if not form.is_valid() or not runnable:
        messages.error(request, _("这个导入任务不能再执行。"))
        return _redirect(request, target)
    mode = form.cleaned_data["mode"]
    if mode == ImportMode.ALL_OR_NOTHING and import_job_context(request, job, pages)["has_errors"]:
        messages.error(
            request, _("文件中有错误行，不能全部导入；请修正后重新上传，或选择仅导入有效行。")
        )
        return _redirect(request, target)
    try:
        services.import_job_run(actor=request.user, job=job, mode=mode, importer=pages.importer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _redirect(request, target)


def import_job_progress(request: HttpRequest, job: ImportJob, pages: ImportPages) -> HttpResponse:
    """The progress fragment polled by htmx; once finished it sends the browser on."""
    finished = (ImportJob.Status.DONE, ImportJob.Status.FAILED, ImportJob.Status.EXPIRED)
    if job.status in finished or services.import_job_interrupted(job):
        target = pages.url("job", job)
        if request.htmx:
            return HttpResponseClientRedirect(target)
        return redirect(target)
    return render(request, "people/_import_progress.html", import_job_context(request, job, pages))


def import_job_errors(request: HttpRequest, job: ImportJob) -> HttpResponse:
    """The rejected rows as .xlsx: ID and phone numbers masked; `?full=1` shows them in
    full to a user who may reveal identifiers, and is audited like a reveal."""
    full = request.GET.get("full") == "1"
    if full and not has_perm(request.user, Perm.PII_REVEAL):
        raise PermissionDenied
    buffer = io.BytesIO()
    if not services.import_job_error_workbook(job, buffer, masked=not full):
        raise Http404
    if full:
        audit_record(
            actor=request.user,
            action=Action.REVEAL,
            object_type="people.importjob",
            object_id=str(job.public_id),
            object_repr=job.filename[:200],
            changes={"field": "error_rows"},
            ip_address=client_ip(request),
        )
    buffer.seek(0)
    stem = PurePath(job.filename).stem or "import"
    response = FileResponse(
        buffer,
        as_attachment=True,
        filename=f"{stem}-{_('错误行')}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "no-store"
    return response


def _redirect(request: HttpRequest, target: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)


@login_required
def import_job(request: HttpRequest, public_id) -> HttpResponse:
    return import_job_page(request, _job_of(request, public_id), ROSTER_PAGES)


@login_required
@require_POST
def import_run(request: HttpRequest, public_id) -> HttpResponse:
    job = _job_of(request, public_id)
    _require_import_perm(request.user, job.kind)
    return import_job_start(request, job, ROSTER_PAGES)


@login_required
def import_progress(request: HttpRequest, public_id) -> HttpResponse:
    return import_job_progress(request, _job_of(request, public_id), ROSTER_PAGES)


@login_required
def import_errors(request: HttpRequest, public_id) -> HttpResponse:
    return import_job_errors(request, _job_of(request, public_id))
