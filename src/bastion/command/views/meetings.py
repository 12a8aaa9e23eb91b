"""Meeting pages: list, record, detail (decisions, and the directives made from each), edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.command.forms import DecisionForm, MeetingForm, apply_errors
from bastion.command.models import MeetingKind
from bastion.command.selectors.meetings import meeting_get, meeting_list
from bastion.command.services import meetings as service
from bastion.command.units import acts_for_unit, issuing_unit, stored_unit
from bastion.command.views.common import PAGE_SIZE, act, issuing_levels, require_any, search_text


@login_required
def meeting_list_view(request: HttpRequest) -> HttpResponse:
    require_any(request.user, Perm.COMMAND_VIEW)
    kind = request.GET.get("kind", "")
    if kind not in MeetingKind.values:
        kind = ""
    q = search_text(request)
    qs = meeting_list(user=request.user, kind=kind, q=q).order_by("-held_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "command/meetings/list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": MeetingKind.choices,
            "q": q,
            "can_record": has_perm(request.user, Perm.DIRECTIVE_ISSUE),
        },
    )


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    issuers = issuing_levels(request.user)
    form = MeetingForm(request.POST or None, issuers=issuers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = service.meeting_record(
                actor=request.user,
                host=issuing_unit(request.user, data["issuer"]),
                kind=data["kind"],
                title=data["title"],
                held_at=data["held_at"],
                place=data["place"],
                chair=data["chair"],
                attendees=data["attendees"],
                summary=data["summary"],
                decisions=data["decisions"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("会议已记录"))
            return redirect("command:meeting_detail", public_id=meeting.public_id)
    return render(request, "command/meetings/form.html", {"form": form, "title": _("记录会议")})


def _can_edit(user, meeting) -> bool:
    return acts_for_unit(user, Perm.DIRECTIVE_ISSUE, stored_unit(meeting, "issuer"))


@login_required
def meeting_detail(request: HttpRequest, public_id) -> HttpResponse:
    meeting = meeting_get(user=request.user, public_id=public_id)
    decisions = meeting.decisions.prefetch_related("directives").order_by("number")
    can_edit = _can_edit(request.user, meeting)
    return render(
        request,
        "command/meetings/detail.html",
        {
            "meeting": meeting,
            "decisions": decisions,
            "can_edit": can_edit,
            "can_issue": can_edit and has_perm(request.user, Perm.DIRECTIVE_ISSUE),
            "decision_form": DecisionForm(),
        },
    )


@login_required
def meeting_edit(request: HttpRequest, public_id) -> HttpResponse:
    meeting = meeting_get(user=request.user, public_id=public_id)
    if not _can_edit(request.user, meeting):
        raise PermissionDenied
    initial = {
        "kind": meeting.kind,
        "title": meeting.title,
        "held_at": meeting.held_at,
        "place": meeting.place,
        "chair": meeting.chair,
        "attendees": meeting.attendees,
        "summary": meeting.summary,
    }
    form = MeetingForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.meeting_update(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("command:meeting_detail", public_id=meeting.public_id)
    return render(
        request,
        "command/meetings/form.html",
        {"form": form, "title": _("修改会议记录"), "meeting": meeting},
    )


@login_required
@require_POST
def decision_add(request: HttpRequest, public_id) -> HttpResponse:
    meeting = meeting_get(user=request.user, public_id=public_id)
    form = DecisionForm(request.POST)
    link = reverse("command:meeting_detail", args=[meeting.public_id])
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect(link)
    return act(
        request,
        lambda: service.meeting_decision_add(
            actor=request.user, meeting=meeting, **form.cleaned_data
        ),
        _("已添加决定"),
        link,
    )
