"""Task pages: the volunteers' landing page (nearby tasks), the staff's task list,
publishing (single or recurring), detail with roster, editing, cancelling, the QR code."""

from __future__ import annotations

import datetime as dt

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.volunteers.forms import ReasonForm, TaskForm, kind_choices, local_now_rounded
from bastion.volunteers.models import Claim, ClaimStatus, OrderStatus, Task, TaskStatus
from bastion.volunteers.rules import cancel_deadline
from bastion.volunteers.selectors.claims import claim_for_user, pending_no_shows, task_roster
from bastion.volunteers.selectors.orders import order_list
from bastion.volunteers.selectors.people import volunteer_of_user
from bastion.volunteers.selectors.places import rules_for
from bastion.volunteers.selectors.tasks import (
    nearby_tasks,
    series_get,
    task_can_lead,
    task_can_manage,
    task_get,
    task_state,
    visible_q,
)
from bastion.volunteers.selectors.tasks import task_list as select_tasks
from bastion.volunteers.services import tasks as task_services
from bastion.volunteers.views.common import add_form_errors, page_number

PAGE_SIZE = 30


def _parse_day(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _my_claims_by_task(user, task_ids) -> dict[int, Claim]:
    volunteer = volunteer_of_user(user)
    if volunteer is None or not task_ids:
        return {}
    claims = Claim.objects.filter(
        person=volunteer.person,
        task_id__in=list(task_ids),
        status__in=(ClaimStatus.CLAIMED, ClaimStatus.WAITING),
    )
    return {c.task_id: c for c in claims}


def is_staff(user) -> bool:
    """Publishers, and viewers who are not volunteers (grid workers, auditors)."""
    return has_perm(user, Perm.TASK_PUBLISH) or (
        has_perm(user, Perm.VOLUNTEER_VIEW) and not has_perm(user, Perm.TASK_CLAIM)
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Volunteers: nearby open tasks and their own next tasks. Staff: their tasks and figures."""
    user = request.user
    now = timezone.now()
    context: dict = {"now": now, "kinds": kind_choices()}
    volunteer = volunteer_of_user(user)
    context["volunteer"] = volunteer
    if volunteer is not None or has_perm(user, Perm.TASK_CLAIM):
        kind = request.GET.get("kind", "")
        day = _parse_day(request.GET.get("day", ""))
        free = request.GET.get("free") == "1"
        nearby = nearby_tasks(
            user=user, kind=kind, day=day, free_only=free, page=page_number(request), now=now
        )
        tasks = [t for t, _d in nearby.rows] + nearby.online
        mine = _my_claims_by_task(user, [t.pk for t in tasks])
        context.update(
            nearby=nearby,
            nearby_rows=[(t, d, mine.get(t.pk), task_state(t, now)) for t, d in nearby.rows],
            online_rows=[(t, mine.get(t.pk), task_state(t, now)) for t in nearby.online],
            filter_kind=kind,
            filter_day=day,
            filter_free=free,
        )
        if volunteer is not None:
            context["upcoming"] = list(
                Claim.objects.filter(
                    person=volunteer.person,
                    status__in=(ClaimStatus.CLAIMED, ClaimStatus.WAITING),
                    task__ends_at__gt=now,
                    task__status=TaskStatus.PUBLISHED,
                )
                .select_related("task__kind", "task__region")
                .order_by("task__starts_at")[:5]
            )
            context["orders_open"] = order_list(user=user).filter(status=OrderStatus.OPEN).count()
    if is_staff(user):
        staff_q = visible_q(user, as_volunteer=False)
        scoped = Task.objects.all() if staff_q is None else Task.objects.filter(staff_q)
        upcoming = scoped.filter(status=TaskStatus.PUBLISHED, ends_at__gt=now)
        totals = upcoming.aggregate(slots=Sum("slots"), held=Sum("claimed_count"))
        context.update(
            staff=True,
            can_publish=has_perm(user, Perm.TASK_PUBLISH),
            staff_rows=[
                (t, task_state(t, now))
                for t in upcoming.select_related("kind", "region").order_by("starts_at")[:8]
            ],
            staff_upcoming=upcoming.count(),
            staff_slots=totals["slots"] or 0,
            staff_held=totals["held"] or 0,
            staff_no_shows=pending_no_shows(user=user, now=now).count(),
            staff_orders_open=order_list(user=user)
            .filter(status__in=(OrderStatus.OPEN, OrderStatus.ASSIGNED))
            .count(),
        )
    return render(request, "volunteers/home.html", context)


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """Every task in the user's scope, searchable, by status, kind and day."""
    now = timezone.now()
    show = request.GET.get("show", "upcoming")
    qs = select_tasks(user=request.user).select_related("series")
    if show == "upcoming":
        qs = qs.filter(status=TaskStatus.PUBLISHED, ends_at__gt=now).order_by("starts_at", "id")
    elif show == "ended":
        qs = qs.filter(status=TaskStatus.PUBLISHED, ends_at__lte=now).order_by("-starts_at", "-id")
    elif show == "cancelled":
        qs = qs.filter(status=TaskStatus.CANCELLED).order_by("-starts_at", "-id")
    else:
        show = "all"
        qs = qs.order_by("-starts_at", "-id")
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(
            Q(title__icontains=q) | Q(address__icontains=q) | Q(region__name__icontains=q)
        )
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind__code=kind)
    day = _parse_day(request.GET.get("day", ""))
    if day:
        from bastion.volunteers.selectors.tasks import local_day_bounds

        start, end = local_day_bounds(day)
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(t, task_state(t, now)) for t in page.object_list]
    return render(
        request,
        "volunteers/tasks/list.html",
        {
            "page": page,
            "rows": rows,
            "show": show,
            "q": q,
            "kind": kind,
            "day": day,
            "kinds": kind_choices(),
            "can_publish": has_perm(request.user, Perm.TASK_PUBLISH),
        },
    )


@login_required
def task_new(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.TASK_PUBLISH):
        raise PermissionDenied(_("您没有发布任务的权限"))
    start = local_now_rounded() + dt.timedelta(days=1)
    initial = {
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=4),
        "first_day": start.date(),
        "last_day": start.date() + dt.timedelta(days=13),
        "start_time": dt.time(8, 0),
        "end_time": dt.time(12, 0),
    }
    form = TaskForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("recurring"):
                series = task_services.series_publish(
                    actor=request.user,
                    publisher=data["publisher_obj"],
                    data=form.task_input(),
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                    start_time=data["start_time"],
                    end_time=data["end_time"],
                    weekdays=[int(d) for d in data.get("weekdays") or []],
                )
                messages.success(request, _("已发布 %(n)d 个班次") % {"n": series.tasks.count()})
                return redirect("volunteers:series_detail", series.public_id)
            task = task_services.task_publish(
                actor=request.user,
                publisher=data["publisher_obj"],
                data=form.task_input(),
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("任务已发布"))
            return redirect("volunteers:task_detail", task.public_id)
    return render(request, "volunteers/tasks/form.html", {"form": form, "task": None})


def render_task_detail(
    request: HttpRequest, task, *, status: int = 200, full_offer: bool = False
) -> HttpResponse:
    """The task page: what, where, when; the volunteer's claim buttons; the roster for
    those who lead it. `full_offer` shows "full, join the waiting list?"."""
    now = timezone.now()
    can_manage = task_can_manage(request.user, task)
    can_lead = task_can_lead(request.user, task)
    my_claim = claim_for_user(task=task, user=request.user)
    rules = rules_for(task.path)
    context = {
        "task": task,
        "state": task_state(task, now),
        "now": now,
        "can_manage": can_manage,
        "can_lead": can_lead,
        "my_claim": my_claim,
        "is_volunteer": volunteer_of_user(request.user) is not None,
        "rules": rules,
        "deadline": cancel_deadline(task.starts_at, rules),
        "full_offer": full_offer,
    }
    if can_manage or my_claim is not None or can_lead:
        context["contact_phone"] = task_services.task_contact_phone(task)
    if can_lead:
        context["roster"] = task_roster(task, now=now)
    return render(request, "volunteers/tasks/detail.html", context, status=status)


@login_required
def task_detail(request: HttpRequest, public_id) -> HttpResponse:
    task = task_get(user=request.user, public_id=public_id)
    return render_task_detail(request, task)


@login_required
def task_edit(request: HttpRequest, public_id) -> HttpResponse:
    task = task_get(user=request.user, public_id=public_id)
    if not task_can_manage(request.user, task):
        raise PermissionDenied(_("只有任务发布方可以修改任务"))
    form = TaskForm(
        request.POST or None,
        user=request.user,
        editing=task,
        initial=TaskForm.initial_for(task),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task_services.task_update(
                actor=request.user,
                task=task,
                data=form.task_input(),
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data.get("reason", ""),
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("已保存；有变更的内容已通知认领的志愿者"))
            return redirect("volunteers:task_detail", task.public_id)
    return render(request, "volunteers/tasks/form.html", {"form": form, "task": task})


@login_required
def task_cancel(request: HttpRequest, public_id) -> HttpResponse:
    """GET: a confirmation page naming who will be told; POST: cancel with a reason."""
    task = task_get(user=request.user, public_id=public_id)
    if not task_can_manage(request.user, task):
        raise PermissionDenied(_("只有任务发布方可以取消任务"))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task_services.task_cancel(
                actor=request.user, task=task, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("任务已取消，已通知认领的志愿者"))
            return redirect("volunteers:task_detail", task.public_id)
    told = task.claims.filter(status__in=(ClaimStatus.CLAIMED, ClaimStatus.WAITING)).count()
    return render(
        request,
        "volunteers/tasks/cancel.html",
        {"task": task, "form": form, "told": told, "what": "task"},
    )


def qr_svg(link: str) -> str:
    return mark_safe(segno.make(link, error="m").svg_inline(scale=6, border=2))  # noqa: S308


@login_required
def task_qr(request: HttpRequest, public_id) -> HttpResponse:
    """The check-in code to show on site (leader or publisher); POST issues a new one."""
    task = task_get(user=request.user, public_id=public_id)
    if not task_can_lead(request.user, task):
        raise PermissionDenied(_("只有任务负责人或发布方可以查看签到码"))
    if request.method == "POST":
        try:
            task = task_services.checkin_code_rotate(actor=request.user, task=task)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("已更换签到码，旧码立即失效"))
        return redirect("volunteers:task_qr", task.public_id)
    link = request.build_absolute_uri(reverse("volunteers:checkin", args=[task.checkin_secret]))
    response = render(
        request,
        "volunteers/tasks/qr.html",
        {"task": task, "qr": qr_svg(link), "state": task_state(task)},
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def series_detail(request: HttpRequest, public_id) -> HttpResponse:
    series = series_get(user=request.user, public_id=public_id)
    now = timezone.now()
    tasks = list(series.tasks.select_related("kind", "region").order_by("starts_at"))
    return render(
        request,
        "volunteers/tasks/series.html",
        {
            "series": series,
            "rows": [(t, task_state(t, now)) for t in tasks],
            "can_manage": bool(tasks) and task_can_manage(request.user, tasks[0]),
            "pending": sum(
                1 for t in tasks if t.status == TaskStatus.PUBLISHED and t.starts_at > now
            ),
        },
    )


@login_required
def series_cancel(request: HttpRequest, public_id) -> HttpResponse:
    series = series_get(user=request.user, public_id=public_id)
    first = series.tasks.first()
    if first is None or not task_can_manage(request.user, first):
        raise PermissionDenied(_("只有任务发布方可以取消任务"))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            n = task_services.series_cancel(
                actor=request.user, series=series, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("已取消 %(n)d 个未开始的班次") % {"n": n})
            return redirect("volunteers:series_detail", series.public_id)
    told = Claim.objects.filter(
        task__series=series,
        task__starts_at__gt=timezone.now(),
        status__in=(ClaimStatus.CLAIMED, ClaimStatus.WAITING),
    ).count()
    return render(
        request,
        "volunteers/tasks/cancel.html",
        {"task": series, "form": form, "told": told, "what": "series"},
    )
