"""The command landing page, the inbox, a unit's daily figures, and attachments."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.command.models import IncidentGrade
from bastion.command.selectors import directives as directive_select
from bastion.command.selectors import incidents as incident_select
from bastion.command.selectors.figures import figures_region, unit_figures, unit_form_figures
from bastion.command.selectors.files import attachment_get
from bastion.command.selectors.inbox import inbox, inbox_counts
from bastion.command.selectors.meetings import meeting_list
from bastion.command.views.common import PAGE_SIZE, parse_day, require_any
from bastion.core.uploads import upload_response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_any(user, Perm.COMMAND_VIEW, Perm.INCIDENT_REPORT)
    now = timezone.now()
    context = {"can_report": has_perm(user, Perm.INCIDENT_REPORT), "now": now}
    if has_perm(user, Perm.COMMAND_VIEW):
        issued = directive_select.directive_list(user=user, side="issued", status="active")
        issued = directive_select.with_completion(issued, user=user, now=now).order_by(
            "-issued_at"
        )[:5]
        for d in issued:
            d.rate = (100 * d.n_done // d.n_targets) if d.n_targets else 0
        by_grade = incident_select.open_by_grade(user=user)
        context.update(
            {
                "counts": inbox_counts(user=user),
                "issued": issued,
                "by_grade": [(g.value, g.label, by_grade.get(g.value, 0)) for g in IncidentGrade],
                "overdue_incidents": incident_select.incident_list(
                    user=user, show="overdue", now=now
                )[:5],
                "to_register": incident_select.incident_list(
                    user=user, show="reported", now=now
                ).count(),
                "meetings": meeting_list(user=user).order_by("-held_at")[:3],
                "can_issue": has_perm(user, Perm.DIRECTIVE_ISSUE),
                "can_file": has_perm(user, Perm.DAILY_FORM),
            }
        )
    else:
        context["my_incidents"] = incident_select.incident_list(
            user=user, show="all", mine=True, now=now
        )[:10]
    return render(request, "command/home.html", context)


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    require_any(request.user, Perm.COMMAND_VIEW)
    unread = request.GET.get("unread") == "1"
    items = inbox(user=request.user, unread_only=unread)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "command/inbox.html", {"page": page, "unread": unread})


@login_required
def figures(request: HttpRequest, code: str | None = None) -> HttpResponse:
    require_any(request.user, Perm.COMMAND_VIEW)
    if code is not None and not code.isdigit():
        raise Http404
    region = figures_region(user=request.user, code=code)
    day = parse_day(request.GET.get("day"))
    today = timezone.localdate()
    if day > today:
        day = today
    children = region.children.order_by("path") if region.level != "grid" else []
    return render(
        request,
        "command/figures.html",
        {
            "region": region,
            "day": day,
            "today": today,
            "groups": unit_figures(user=request.user, region=region, day=day),
            "forms": unit_form_figures(user=request.user, region=region, day=day),
            "children": children,
        },
    )


@login_required
def attachment(request: HttpRequest, public_id) -> HttpResponse:
    stored = attachment_get(user=request.user, public_id=public_id)
    return upload_response(stored, as_attachment=not stored.is_image)
