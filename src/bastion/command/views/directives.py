"""Directive pages: list, issue (optionally from a meeting decision), the issuer's overview
with a bar per unit, a unit's target with its steps."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.command.forms import DirectiveForm, TargetStepForm, apply_errors
from bastion.command.models import OVERDUE, OVERDUE_LABEL, DirectiveStatus, TargetStatus
from bastion.command.selectors import directives as select
from bastion.command.selectors.meetings import decision_get
from bastion.command.selectors.units import target_groups
from bastion.command.services import directives as service
from bastion.command.units import (
    Unit,
    acts_for_unit,
    issuing_unit,
    stored_unit,
)
from bastion.command.views.common import (
    ATTACHMENTS,
    PAGE_SIZE,
    act,
    issuing_levels,
    require_any,
    search_text,
    with_uploads,
)

TARGETS_PER_PAGE = 100


def status_labels() -> dict[str, str]:
    return {**dict(TargetStatus.choices), OVERDUE: OVERDUE_LABEL}


@login_required
def directive_list(request: HttpRequest) -> HttpResponse:
    require_any(request.user, Perm.COMMAND_VIEW)
    default = "issued" if has_perm(request.user, Perm.DIRECTIVE_ISSUE) else "received"
    side = request.GET.get("side", default)
    if side not in ("issued", "received", "all"):
        side = default
    status = request.GET.get("status", "")
    q = search_text(request)
    qs = select.directive_list(
        user=request.user, side="" if side == "all" else side, q=q, status=status
    )
    qs = select.with_completion(qs, user=request.user).order_by("-issued_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for d in page.object_list:
        d.rate = (100 * d.n_done // d.n_targets) if d.n_targets else 0
    return render(
        request,
        "command/directives/list.html",
        {
            "page": page,
            "side": side,
            "status": status,
            "q": q,
            "can_issue": has_perm(request.user, Perm.DIRECTIVE_ISSUE),
            "now": timezone.now(),
        },
    )


def _initial_from_decision(request: HttpRequest, issuers: list[Unit]) -> tuple[dict, object]:
    raw = request.GET.get("decision") or request.POST.get("decision") or ""
    if not raw:
        return {}, None
    decision = decision_get(user=request.user, public_id=raw)
    meeting = decision.meeting
    initial = {
        "title": (_("%(meeting)s第%(n)d条决定") % {"meeting": meeting.title, "n": decision.number})[
            :120
        ],
        "content": decision.text,
    }
    if decision.due_on:
        initial["deadline"] = timezone.make_aware(
            dt.datetime.combine(decision.due_on, dt.time(18, 0))
        )
    if any(u.key == meeting.issuer_key for u in issuers):
        initial["issuer"] = meeting.issuer_key
    return initial, decision


@login_required
def directive_new(request: HttpRequest) -> HttpResponse:
    issuers = issuing_levels(request.user)
    groups, units = target_groups(issuers)
    initial, decision = _initial_from_decision(request, issuers)
    form = DirectiveForm(
        request.POST or None, request.FILES or None, issuers=issuers, targets=units, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issuer = issuing_unit(request.user, data["issuer"])
            directive = with_uploads(
                request,
                "attachments",
                allowed=ATTACHMENTS,
                path=issuer.region_path,
                call=lambda files: service.directive_issue(
                    actor=request.user,
                    issuer=issuer,
                    title=data["title"],
                    content=data["content"],
                    priority=data["priority"],
                    deadline=data["deadline"],
                    remind_hours=data["remind_hours"],
                    targets=data["targets"],
                    attachments=files,
                    decision=decision,
                ),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("指令已下发给 %(n)d 个单位") % {"n": directive.targets.count()}
            )
            return redirect("command:directive_detail", public_id=directive.public_id)
    chosen = set(form["targets"].value() or [])
    return render(
        request,
        "command/directives/new.html",
        {"form": form, "groups": groups, "chosen": chosen, "decision": decision},
    )


@login_required
def directive_detail(request: HttpRequest, public_id) -> HttpResponse:
    directive = select.directive_get(user=request.user, public_id=public_id)
    now = timezone.now()
    everyone = select.directive_targets(user=request.user, directive=directive, now=now)
    status = request.GET.get("status", "")
    shown = select.directive_targets(user=request.user, directive=directive, status=status, now=now)
    page = Paginator(shown, TARGETS_PER_PAGE).get_page(request.GET.get("page"))
    mine = []
    for target in page.object_list:
        target.stage = select.stage_percent(target.status)
        if select.user_answers_target(request.user, target):
            if service.directive_target_read(actor=request.user, target=target, now=now):
                target.effective = select.effective_status(target, now)
            mine.append(target)
    issuer_side = acts_for_unit(
        request.user, Perm.DIRECTIVE_ISSUE, stored_unit(directive, "issuer")
    )
    return render(
        request,
        "command/directives/detail.html",
        {
            "directive": directive,
            "completion": select.directive_completion(everyone),
            "page": page,
            "mine": mine,
            "status": status,
            "labels": status_labels(),
            "statuses": [(s, status_labels()[s]) for s in select.STATUS_ORDER],
            "sees_all": select.sees_all_targets(request.user, directive),
            "can_cancel": issuer_side and directive.status == DirectiveStatus.ACTIVE,
            "overdue": directive.status == DirectiveStatus.ACTIVE and directive.deadline < now,
            "attachments": list(directive.attachments.all()),
        },
    )


@login_required
@require_POST
def directive_cancel(request: HttpRequest, public_id) -> HttpResponse:
    directive = select.directive_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: service.directive_cancel(
            actor=request.user, directive=directive, reason=request.POST.get("reason", "")
        ),
        _("指令已撤销"),
        service.directive_link(directive),
    )


@login_required
def target_detail(request: HttpRequest, public_id) -> HttpResponse:
    target = select.target_get(user=request.user, public_id=public_id)
    directive = target.directive
    now = timezone.now()
    answering = select.user_answers_target(request.user, target)
    if answering:
        service.directive_target_read(actor=request.user, target=target, now=now)
    issuer_side = acts_for_unit(
        request.user, Perm.DIRECTIVE_ISSUE, stored_unit(directive, "issuer")
    )
    active = directive.status == DirectiveStatus.ACTIVE
    status = target.status
    events = (
        target.events.select_related("actor").prefetch_related("attachments").order_by("at", "id")
    )
    return render(
        request,
        "command/directives/target.html",
        {
            "target": target,
            "directive": directive,
            "effective": select.effective_status(target, now),
            "labels": status_labels(),
            "stage": select.stage_percent(status),
            "events": events,
            "attachments": list(directive.attachments.all()),
            "can_acknowledge": answering
            and active
            and status in service.ALLOWED_FROM["acknowledge"],
            "can_progress": answering and active and status in service.ALLOWED_FROM["progress"],
            "can_complete": answering and active and status in service.ALLOWED_FROM["done"],
            "can_return": issuer_side and active and status == TargetStatus.DONE,
            "step_form": TargetStepForm(),
            "late": target.done_at is not None and target.done_at > directive.deadline,
        },
    )


def _with_files(request: HttpRequest, target, call):
    return with_uploads(
        request, "attachments", allowed=ATTACHMENTS, path=target.region_path, call=call
    )


# step (the last part of its URL) -> (call(request, target, note), message when done)
STEPS = {
    "acknowledge": (
        lambda request, t, note: service.directive_target_acknowledge(
            actor=request.user, target=t, note=note
        ),
        gettext_lazy("已签收"),
    ),
    "progress": (
        lambda request, t, note: _with_files(
            request,
            t,
            lambda files: service.directive_target_progress(
                actor=request.user, target=t, note=note, attachments=files
            ),
        ),
        gettext_lazy("已报告进展"),
    ),
    "complete": (
        lambda request, t, note: _with_files(
            request,
            t,
            lambda files: service.directive_target_complete(
                actor=request.user, target=t, report=note, attachments=files
            ),
        ),
        gettext_lazy("已报告完成"),
    ),
    "return": (
        lambda request, t, note: service.directive_target_return(
            actor=request.user, target=t, reason=note
        ),
        gettext_lazy("已退回重办"),
    ),
}


@login_required
@require_POST
def target_step(request: HttpRequest, public_id, step: str) -> HttpResponse:
    """One step of a unit's target; every form sends its text as "note"."""
    if step not in STEPS:
        raise Http404
    target = select.target_get(user=request.user, public_id=public_id)
    call, done = STEPS[step]
    note = request.POST.get("note", "")
    return act(request, lambda: call(request, target, note), str(done), service.target_link(target))
