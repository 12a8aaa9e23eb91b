"""Alert and home-service pages: lists with their actions (thin: parse, call, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.models import User
from bastion.core.masking import mask_name
from bastion.monitoring.models import AlertKind, ServiceStatus, TeamMember
from bastion.monitoring.selectors.alerts import (
    alert_get,
    service_get,
    with_levels,
)
from bastion.monitoring.selectors.alerts import (
    alert_list as select_alerts,
)
from bastion.monitoring.selectors.alerts import (
    service_list as select_services,
)
from bastion.monitoring.selectors.observations import (
    observation_can_change,
    observation_get,
    observation_team,
)
from bastion.monitoring.services import alerts as alert_services
from bastion.monitoring.services import homeservice

PAGE_SIZE = 30


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _act(request: HttpRequest, call, done: str, default: str) -> HttpResponse:
    """Run `call()` (a service), flash its outcome, and go back to `next` or `default`."""
    try:
        call()
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, done)
    return _back(request, default)


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    kind = request.GET.get("kind") or None
    if kind not in AlertKind.values:
        kind = None
    qs = select_alerts(user=request.user, open_only=show != "all", kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    alerts = with_levels(page.object_list)
    return render(
        request,
        "monitoring/alerts/list.html",
        {"page": page, "alerts": alerts, "show": show, "kind": kind, "kinds": AlertKind.choices},
    )


@login_required
def alert_detail(request: HttpRequest, public_id) -> HttpResponse:
    alert = alert_get(user=request.user, public_id=public_id)
    alert = with_levels([alert])[0]
    return render(
        request,
        "monitoring/alerts/detail.html",
        {"alert": alert, "can_handle": observation_can_change(request.user, alert.observation)},
    )


def _alert_action(request: HttpRequest, public_id, service) -> HttpResponse:
    alert = alert_get(user=request.user, public_id=public_id)
    note = request.POST.get("note", "")
    return _act(
        request,
        lambda: service(actor=request.user, alert=alert, note=note),
        _("已保存"),
        alert_services._alert_link(alert),
    )


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, public_id) -> HttpResponse:
    return _alert_action(request, public_id, alert_services.alert_acknowledge)


@login_required
@require_POST
def alert_resolve(request: HttpRequest, public_id) -> HttpResponse:
    return _alert_action(request, public_id, alert_services.alert_resolve)


# --- Home services ------------------------------------------------------------------------


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    qs = select_services(user=request.user, open_only=show != "all")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    services = list(page.object_list)
    members: dict[int, list[User]] = {}
    observation_ids = {s.observation_id for s in services}
    for member in (
        TeamMember.objects.filter(observation_id__in=observation_ids)
        .select_related("user", "seat")
        .order_by("seat__order")
    ):
        members.setdefault(member.observation_id, []).append(member)
    for s in services:
        s.masked_name = mask_name(s.observation.person.name)
        s.members = members.get(s.observation_id, [])
        s.next_statuses = [
            (value, ServiceStatus(value).label)
            for value in homeservice.TRANSITIONS[s.status]
            if value != ServiceStatus.ASSIGNED
            and not (value == ServiceStatus.IN_PROGRESS and s.assigned_to_id is None)
        ]
    return render(
        request,
        "monitoring/alerts/services.html",
        {"page": page, "services": services, "show": show},
    )


@login_required
@require_POST
def service_create(request: HttpRequest, public_id) -> HttpResponse:
    observation = observation_get(user=request.user, public_id=public_id)
    if not observation_can_change(request.user, observation):
        raise Http404
    return _act(
        request,
        lambda: homeservice.service_request_create(
            actor=request.user,
            observation=observation,
            kind=request.POST.get("kind", ""),
            detail=request.POST.get("detail", ""),
        ),
        _("已提交居家服务请求"),
        "monitoring:service_list",
    )


@login_required
@require_POST
def service_assign(request: HttpRequest, public_id) -> HttpResponse:
    service = service_get(user=request.user, public_id=public_id)
    chosen = request.POST.get("user", "")
    member = next(
        (m for m in observation_team(service.observation) if str(m.user.public_id) == chosen),
        None,
    )
    if member is None:
        messages.error(request, _("请选择责任组成员"))
        return _back(request, "monitoring:service_list")
    return _act(
        request,
        lambda: homeservice.service_request_assign(
            actor=request.user, request=service, user=member.user
        ),
        _("已指派"),
        "monitoring:service_list",
    )


@login_required
@require_POST
def service_status(request: HttpRequest, public_id) -> HttpResponse:
    service = service_get(user=request.user, public_id=public_id)
    return _act(
        request,
        lambda: homeservice.service_request_set_status(
            actor=request.user,
            request=service,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        ),
        _("已更新状态"),
        "monitoring:service_list",
    )
