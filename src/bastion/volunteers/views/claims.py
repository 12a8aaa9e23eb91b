"""Claim pages: claim (online), claim for someone (offline), cancel, the leader's check-in
and confirmation, corrections, and the on-site QR check-in page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bastion.core.ratelimit import rate_limit_hit
from bastion.people.models import Person
from bastion.volunteers.forms import CorrectForm, ReasonForm
from bastion.volunteers.models import AttendanceOutcome, CheckMethod, ClaimStatus
from bastion.volunteers.rules import cancel_deadline
from bastion.volunteers.selectors.claims import (
    attendance_get_for_actor,
    claim_for_user,
    claim_get_for_actor,
    task_for_code,
    task_roster,
)
from bastion.volunteers.selectors.people import claim_candidates
from bastion.volunteers.selectors.places import rules_for
from bastion.volunteers.selectors.tasks import task_can_lead, task_can_manage, task_get
from bastion.volunteers.services import attendance as attendance_services
from bastion.volunteers.services.claims import TaskFull, claim_cancel, claim_create
from bastion.volunteers.views.common import act, add_form_errors, as_uuid, back, flash_errors
from bastion.volunteers.views.tasks import render_task_detail, task_state

SCANS_PER_MINUTE = 30


def _task_url(task, anchor: str = "") -> str:
    return reverse("volunteers:task_detail", args=[task.public_id]) + anchor


@login_required
@require_POST
def claim(request: HttpRequest, public_id) -> HttpResponse:
    """Claim a slot (or join the waiting list with waitlist=1). Full: 409 with the offer."""
    task = task_get(user=request.user, public_id=public_id)
    waitlist = request.POST.get("waitlist") == "1"
    try:
        result = claim_create(actor=request.user, task=task, waitlist=waitlist)
    except TaskFull as exc:
        messages.error(request, exc.messages[0])
        return render_task_detail(request, task, status=409, full_offer=True)
    except ValidationError as exc:
        flash_errors(request, exc)
        return render_task_detail(request, task, status=422)
    if not result.created:
        messages.info(request, _("您已认领此任务"))
    elif result.claim.status == ClaimStatus.WAITING:
        messages.success(request, _("已加入候补名单，有人取消时将按顺序递补并通知您"))
    else:
        messages.success(request, _("认领成功，请按时到岗"))
    return redirect("volunteers:task_detail", task.public_id)


@login_required
def claim_offline(request: HttpRequest, public_id) -> HttpResponse:
    """Staff claim for someone without a phone: search the community's volunteers, pick one."""
    task = task_get(user=request.user, public_id=public_id)
    if not task_can_manage(request.user, task):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("只有任务发布方可以代为认领"))
    if request.method == "POST":
        person = Person.objects.filter(public_id=as_uuid(request.POST.get("person"))).first()
        allowed = {p.pk for p in claim_candidates(task, q=request.POST.get("q", ""), limit=500)}
        if person is None or person.pk not in allowed:
            messages.error(request, _("请从列表中选择一位志愿者"))
        else:
            try:
                result = claim_create(
                    actor=request.user,
                    task=task,
                    person=person,
                    waitlist=request.POST.get("waitlist") == "1",
                )
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                text = (
                    _("已为 %(n)s 认领")
                    if result.claim.status == ClaimStatus.CLAIMED
                    else _("已为 %(n)s 登记候补")
                )
                messages.success(request, text % {"n": person.name})
                return redirect("volunteers:task_detail", task.public_id)
    q = request.GET.get("q", request.POST.get("q", "")).strip()[:30]
    return render(
        request,
        "volunteers/claims/offline.html",
        {
            "task": task,
            "q": q,
            "candidates": claim_candidates(task, q=q),
            "state": task_state(task),
        },
    )


@login_required
def claim_cancel_view(request: HttpRequest, public_id) -> HttpResponse:
    """GET: confirm (with the deadline); POST: cancel the claim."""
    claim_obj = claim_get_for_actor(actor=request.user, public_id=public_id)
    task = claim_obj.task
    form = ReasonForm(request.POST or None)
    form.fields["reason"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            claim_cancel(actor=request.user, claim=claim_obj, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("已取消认领"))
            return back(request, _task_url(task))
    rules = rules_for(task.path)
    return render(
        request,
        "volunteers/claims/cancel.html",
        {
            "claim": claim_obj,
            "task": task,
            "form": form,
            "deadline": cancel_deadline(task.starts_at, rules),
            "own": claim_obj.user_id == request.user.pk,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def claim_check(request: HttpRequest, public_id) -> HttpResponse:
    """The leader checks a volunteer in or out on site."""
    claim_obj = claim_get_for_actor(actor=request.user, public_id=public_id)
    kind = request.POST.get("kind", "")
    return act(
        request,
        lambda: attendance_services.check_record(
            actor=request.user, claim=claim_obj, kind=kind, method=CheckMethod.LEADER
        ),
        _("已签到") if kind == "in" else _("已签退"),
        _task_url(claim_obj.task, "#roster"),
    )


@login_required
@require_POST
def claim_confirm(request: HttpRequest, public_id) -> HttpResponse:
    claim_obj = claim_get_for_actor(actor=request.user, public_id=public_id)
    return act(
        request,
        lambda: attendance_services.attendance_confirm(
            actor=request.user,
            claim=claim_obj,
            hours=request.POST.get("hours") or None,
            note=request.POST.get("note", ""),
        ),
        _("已确认服务时长"),
        _task_url(claim_obj.task, "#roster"),
    )


@login_required
@require_POST
def claim_no_show(request: HttpRequest, public_id) -> HttpResponse:
    claim_obj = claim_get_for_actor(actor=request.user, public_id=public_id)
    return act(
        request,
        lambda: attendance_services.attendance_no_show(
            actor=request.user, claim=claim_obj, note=request.POST.get("note", "")
        ),
        _("已记为未到岗"),
        _task_url(claim_obj.task, "#roster"),
    )


@login_required
@require_POST
def task_confirm_all(request: HttpRequest, public_id) -> HttpResponse:
    """Confirm every checked-in volunteer with the proposed hours, or every derived no-show."""
    task = task_get(user=request.user, public_id=public_id)
    if not task_can_lead(request.user, task):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("只有任务负责人或发布方可以确认"))
    roster = task_roster(task)
    what = request.POST.get("what")
    done, failed = 0, 0
    rows = roster.to_confirm if what == "attended" else roster.no_shows_pending
    for row in rows:
        try:
            if what == "attended":
                attendance_services.attendance_confirm(actor=request.user, claim=row.claim)
            else:
                attendance_services.attendance_no_show(actor=request.user, claim=row.claim)
        except ValidationError as exc:
            failed += 1
            flash_errors(request, exc)
        else:
            done += 1
    messages.success(request, _("已确认 %(n)d 人") % {"n": done})
    return redirect(_task_url(task, "#roster"))


@login_required
def attendance_correct(request: HttpRequest, public_id) -> HttpResponse:
    entry = attendance_get_for_actor(actor=request.user, public_id=public_id)
    form = CorrectForm(
        request.POST or None, initial={"outcome": entry.outcome, "hours": entry.hours}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hours = data.get("hours")
        if data["outcome"] == AttendanceOutcome.ATTENDED and hours is None:
            form.add_error("hours", _("请填写服务时长"))
        else:
            try:
                attendance_services.attendance_correct(
                    actor=request.user,
                    attendance=entry,
                    outcome=data["outcome"],
                    hours=hours if hours is not None else 0,
                    note=data["note"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("已更正，原记录保留备查"))
                return redirect(_task_url(entry.claim.task, "#roster"))
    return render(request, "volunteers/claims/correct.html", {"entry": entry, "form": form})


def _limited(request: HttpRequest) -> HttpResponse:
    response = render(request, "volunteers/claims/limited.html", status=429)
    response["Retry-After"] = "60"
    return response


@never_cache
@login_required
def checkin(request: HttpRequest, code: str) -> HttpResponse:
    """The page the task's QR code opens on the volunteer's phone: check in or out."""
    if rate_limit_hit(
        "volunteers_scan", f"user:{request.user.pk}", limit=SCANS_PER_MINUTE, window_seconds=60
    ):
        return _limited(request)
    task = task_for_code(code)
    if task is None:
        return render(request, "volunteers/claims/checkin_invalid.html", status=404)
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            result = attendance_services.checkin_by_code(actor=request.user, secret=code, kind=kind)
        except ValidationError as exc:
            flash_errors(request, exc)
            status = 422
        else:
            at = timezone.localtime(result.event.at).strftime("%H:%M")
            if not result.created:
                messages.info(request, _("已记录过，时间 %(t)s") % {"t": at})
            elif kind == "in":
                messages.success(request, _("签到成功 %(t)s，注意防护") % {"t": at})
            else:
                messages.success(request, _("签退成功 %(t)s，辛苦了！") % {"t": at})
            return redirect(request.path)
    my_claim = claim_for_user(task=task, user=request.user)
    checks = {}
    if my_claim is not None:
        checks = dict(my_claim.checks.values_list("kind", "at"))
    response = render(
        request,
        "volunteers/claims/checkin.html",
        {"task": task, "my_claim": my_claim, "checks": checks, "state": task_state(task)},
        status=status,
    )
    response["Referrer-Policy"] = "no-referrer"
    return response
