"""Incident pages: report (mobile-first), list, detail with the log and the steps the user
may take, deadlines per handling unit, and the incident kinds (county command)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm, restrict_by_path
from bastion.command.forms import (
    DispatchForm,
    ExtensionForm,
    IncidentForm,
    IncidentKindForm,
    apply_errors,
)
from bastion.command.models import (
    ExtensionStatus,
    Incident,
    IncidentExtension,
    IncidentGrade,
    IncidentKind,
    IncidentStatus,
)
from bastion.command.selectors import incidents as select
from bastion.command.services import incidents as service
from bastion.command.services.common import is_county_command
from bastion.command.services.config import incident_kind_save
from bastion.command.units import Unit, org_unit, region_unit, team_unit
from bastion.command.views.common import (
    PAGE_SIZE,
    PHOTOS,
    act,
    param,
    require_any,
    search_text,
    with_uploads,
)
from bastion.core.masking import mask_name
from bastion.geo.models import Level, Region
from bastion.party.models import Organization, Team

PLACE_LEVELS = (Level.GRID, Level.VILLAGE, Level.COMMUNITY, Level.TOWN, Level.SUBDISTRICT)
SHOWS = ("open", "reported", "overdue", "handled", "closed", "all")


def _report_regions(user):
    qs = Region.objects.filter(level__in=PLACE_LEVELS)
    return restrict_by_path(qs, user, Perm.INCIDENT_REPORT).order_by("path")


def _uuid_or_404(raw: str) -> str:
    if not raw:
        return ""
    try:
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise Http404 from exc


def _linked(request: HttpRequest):
    """The person or household an incident is reported about (?person= / ?household=)."""
    from bastion.geo.selectors import household_get
    from bastion.people.selectors import person_get

    raw_person = _uuid_or_404(param(request, "person"))
    raw_household = _uuid_or_404(param(request, "household"))
    person = person_get(user=request.user, public_id=raw_person) if raw_person else None
    household = household_get(user=request.user, public_id=raw_household) if raw_household else None
    return person, household


SUBMISSION_SOURCE = "web"


def _submission(request: HttpRequest) -> str:
    """The form's one-time submission id: a resent form (a phone retrying on a weak signal)
    reports the same incident again, which `incident_report` turns into the first one."""
    raw = request.POST.get("submission", "")
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return str(uuid.uuid4())


@login_required
def incident_new(request: HttpRequest) -> HttpResponse:
    require_any(request.user, Perm.INCIDENT_REPORT)
    regions = list(_report_regions(request.user))
    if not regions:
        raise PermissionDenied
    kinds = list(select.incident_kinds())
    person, household = _linked(request)
    submission = _submission(request)
    if request.method == "POST":
        earlier = Incident.objects.filter(
            source=SUBMISSION_SOURCE, source_ref=submission, reported_by=request.user
        ).first()
        if earlier is not None:
            return redirect("command:incident_detail", public_id=earlier.public_id)
    linked = household or person
    initial = {"region": linked.region.code if linked else regions[0].code}
    form = IncidentForm(
        request.POST or None, request.FILES or None, kinds=kinds, regions=regions, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = next(r for r in regions if r.code == data["region"])
        try:
            incident = with_uploads(
                request,
                "photos",
                allowed=PHOTOS,
                path=region.path,
                call=lambda files: service.incident_report(
                    actor=request.user,
                    kind=data["kind"],
                    grade=data["grade"],
                    region=region,
                    place=data["place"],
                    description=data["description"],
                    person=person,
                    household=household,
                    photos=files,
                    source=SUBMISSION_SOURCE,
                    source_ref=submission,
                ),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("事件已上报，编号 %(number)s") % {"number": incident.number}
            )
            return redirect("command:incident_detail", public_id=incident.public_id)
    return render(
        request,
        "command/incidents/new.html",
        {
            "form": form,
            "submission": submission,
            "person": person,
            "person_name": mask_name(person.name) if person else "",
            "household": household,
        },
    )


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    require_any(request.user, Perm.COMMAND_VIEW, Perm.INCIDENT_REPORT)
    show = request.GET.get("show", "open")
    if show not in SHOWS:
        show = "open"
    grade = request.GET.get("grade", "")
    if grade not in IncidentGrade.values:
        grade = ""
    kind = param(request, "kind", 40)
    mine = request.GET.get("mine") == "1"
    handler = param(request, "handler", 64)
    q = search_text(request)
    qs = select.incident_list(
        user=request.user, show=show, grade=grade, kind=kind, mine=mine, handler=handler, q=q
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "command/incidents/list.html",
        {
            "page": page,
            "show": show,
            "grade": grade,
            "kind": kind,
            "mine": mine,
            "handler": handler,
            "q": q,
            "grades": IncidentGrade.choices,
            "kinds": select.incident_kinds(active_only=False),
            "shows": [
                ("open", _("未办结")),
                ("reported", _("待受理")),
                ("overdue", _("已逾期")),
                ("handled", _("待核查")),
                ("closed", _("已办结")),
                ("all", _("全部")),
            ],
            "can_report": has_perm(request.user, Perm.INCIDENT_REPORT),
        },
    )


def handler_choices(incident) -> list[Unit]:
    """Regions (not grids) at or under the receiving region, and the organizations and teams
    in its area."""
    path = incident.receiving_path
    regions = (
        Region.objects.filter(path__startswith=path).exclude(level=Level.GRID).order_by("path")
    )
    orgs = Organization.objects.filter(
        region_path__startswith=path, closed_on__isnull=True
    ).order_by("path")
    teams = Team.objects.filter(region_path__startswith=path, disbanded_on__isnull=True).order_by(
        "name"
    )
    return (
        [region_unit(r) for r in regions[:500]]
        + [org_unit(o) for o in orgs[:300]]
        + [team_unit(t) for t in teams[:300]]
    )


@login_required
def incident_detail(request: HttpRequest, public_id) -> HttpResponse:
    incident = select.incident_get(user=request.user, public_id=public_id)
    user = request.user
    status = incident.status
    receiving = service.can_receive(user, incident)
    handling = service.can_handle(user, incident)
    verifying = service.can_verify(user, incident)
    pending = next(
        (e for e in select.incident_extensions(incident) if e.status == ExtensionStatus.PENDING),
        None,
    )
    context = {
        "incident": incident,
        "log": select.incident_log(incident),
        "extensions": select.incident_extensions(incident),
        "photos": list(incident.photos.all()),
        "pending": pending,
        "can_register": receiving and status == IncidentStatus.REPORTED,
        "can_dispatch": receiving
        and status in (IncidentStatus.REGISTERED, IncidentStatus.DISPATCHED),
        "can_handle": handling and status == IncidentStatus.DISPATCHED,
        "can_extend": handling and status == IncidentStatus.DISPATCHED and pending is None,
        "can_decide": receiving and pending is not None and pending.requested_by_id != user.pk,
        "can_verify": verifying and status == IncidentStatus.HANDLED,
        "can_archive": receiving and status in (IncidentStatus.CLOSED, IncidentStatus.DISMISSED),
        "grades": IncidentGrade.choices,
        "person_name": mask_name(incident.person.name) if incident.person else "",
    }
    if context["can_dispatch"]:
        context["dispatch_form"] = DispatchForm(handlers=handler_choices(incident))
    if context["can_extend"]:
        context["extension_form"] = ExtensionForm()
    return render(request, "command/incidents/detail.html", context)


def _parsed(form):
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return form.cleaned_data


def _dispatch(request: HttpRequest, incident):
    data = _parsed(DispatchForm(request.POST, handlers=handler_choices(incident)))
    return service.incident_dispatch(
        actor=request.user,
        incident=incident,
        handler=data["handler"],
        deadline=data["deadline"],
        note=data["note"],
    )


def _extension(request: HttpRequest, incident):
    data = _parsed(ExtensionForm(request.POST))
    return service.incident_extension_request(
        actor=request.user, incident=incident, deadline=data["deadline"], reason=data["reason"]
    )


def _handle(request: HttpRequest, incident):
    return with_uploads(
        request,
        "photos",
        allowed=PHOTOS,
        path=incident.path,
        call=lambda files: service.incident_handle(
            actor=request.user, incident=incident, note=request.POST.get("note", ""), photos=files
        ),
    )


def _noted(step, name: str = "note"):
    """A step whose only input is one text field (sent as "note" by every form)."""
    return lambda request, incident: step(
        actor=request.user, incident=incident, **{name: request.POST.get("note", "")}
    )


# step (the last part of its URL) -> (call(request, incident), message when done)
STEPS = {
    "register": (_noted(service.incident_register), gettext_lazy("已受理")),
    "dismiss": (_noted(service.incident_dismiss, "reason"), gettext_lazy("已作不予受理处理")),
    "dispatch": (_dispatch, gettext_lazy("已分拨")),
    "handle": (_handle, gettext_lazy("已反馈处置结果")),
    "verify": (_noted(service.incident_verify), gettext_lazy("核查通过，已结案")),
    "send-back": (_noted(service.incident_send_back, "reason"), gettext_lazy("已退回处置单位")),
    "archive": (
        lambda request, incident: service.incident_archive(actor=request.user, incident=incident),
        gettext_lazy("已归档"),
    ),
    "extension": (_extension, gettext_lazy("已提交延期申请")),
    "regrade": (
        lambda request, incident: service.incident_regrade(
            actor=request.user,
            incident=incident,
            grade=request.POST.get("grade", ""),
            note=request.POST.get("note", ""),
        ),
        gettext_lazy("已调整等级"),
    ),
}


@login_required
@require_POST
def incident_step(request: HttpRequest, public_id, step: str) -> HttpResponse:
    """Take one step of an incident (register, dispatch, handle, verify, ...)."""
    if step not in STEPS:
        raise Http404
    incident = select.incident_get(user=request.user, public_id=public_id)
    call, done = STEPS[step]
    return act(request, lambda: call(request, incident), str(done), service.incident_link(incident))


@login_required
@require_POST
def extension_decide(request: HttpRequest, public_id) -> HttpResponse:
    try:
        extension = IncidentExtension.objects.select_related("incident").get(public_id=public_id)
    except (IncidentExtension.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    # The incident must be visible to the user (404 otherwise).
    incident = select.incident_get(user=request.user, public_id=extension.incident.public_id)
    approve = request.POST.get("decision") == "approve"
    return act(
        request,
        lambda: service.incident_extension_decide(
            actor=request.user,
            extension=extension,
            approve=approve,
            note=request.POST.get("note", ""),
        ),
        _("已批准延期") if approve else _("已驳回延期申请"),
        service.incident_link(incident),
    )


@login_required
def incident_units(request: HttpRequest) -> HttpResponse:
    """Deadlines and overdue incidents per handling unit."""
    require_any(request.user, Perm.COMMAND_VIEW)
    return render(
        request,
        "command/incidents/units.html",
        {"rows": select.incidents_by_handler(user=request.user)},
    )


@login_required
def incident_kinds(request: HttpRequest) -> HttpResponse:
    """The list of incident kinds; the county command adds and edits them."""
    require_any(request.user, Perm.COMMAND_VIEW)
    editable = is_county_command(request.user)
    editing = None
    code = param(request, "code", 40)
    if code:
        editing = IncidentKind.objects.filter(code=code).first()
    initial = {}
    if editing is not None:
        initial = {
            f: getattr(editing, f)
            for f in ("code", "name_zh", "name_en", "default_grade", "order", "active")
        }
    form = IncidentKindForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                incident_kind_save(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("command:incident_kinds")
    return render(
        request,
        "command/incidents/kinds.html",
        {
            "kinds": select.incident_kinds(active_only=False),
            "form": form,
            "editable": editable,
            "editing": editing,
        },
    )
