"""Notice pages: list, publish, read (receipts), revise, send to more units, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.command.forms import NoticeForm, NoticeReviseForm, apply_errors
from bastion.command.models import NoticeKind, NoticeStatus
from bastion.command.selectors import notices as select
from bastion.command.selectors.units import target_groups
from bastion.command.services import notices as service
from bastion.command.units import acts_for_unit, issuing_unit, stored_unit
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


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    require_any(request.user, Perm.COMMAND_VIEW)
    kind = request.GET.get("kind", "")
    if kind not in NoticeKind.values:
        kind = ""
    q = search_text(request)
    qs = select.with_receipts(select.notice_list(user=request.user, kind=kind, q=q))
    page = Paginator(qs.order_by("-published_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "command/notices/list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": NoticeKind.choices,
            "q": q,
            "can_publish": has_perm(request.user, Perm.DIRECTIVE_ISSUE),
        },
    )


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    issuers = issuing_levels(request.user)
    groups, units = target_groups(issuers)
    form = NoticeForm(request.POST or None, request.FILES or None, issuers=issuers, targets=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issuer = issuing_unit(request.user, data["issuer"])
            notice = with_uploads(
                request,
                "attachments",
                allowed=ATTACHMENTS,
                path=issuer.region_path,
                call=lambda files: service.notice_publish(
                    actor=request.user,
                    issuer=issuer,
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    targets=data["targets"],
                    attachments=files,
                ),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已发布"))
            return redirect("command:notice_detail", public_id=notice.public_id)
    return render(
        request,
        "command/notices/new.html",
        {"form": form, "groups": groups, "chosen": set(form["targets"].value() or [])},
    )


def _issuer_side(user, notice) -> bool:
    return acts_for_unit(user, Perm.DIRECTIVE_ISSUE, stored_unit(notice, "issuer"))


@login_required
def notice_detail(request: HttpRequest, public_id) -> HttpResponse:
    notice = select.notice_get(user=request.user, public_id=public_id)
    service.notice_mark_read(actor=request.user, notice=notice)
    versions = list(select.notice_versions(notice))
    unread_only = request.GET.get("unread") == "1"
    targets = select.notice_targets(user=request.user, notice=notice, unread_only=unread_only)
    page = Paginator(targets, TARGETS_PER_PAGE).get_page(request.GET.get("page"))
    all_targets = select.notice_targets(user=request.user, notice=notice)
    issuer_side = _issuer_side(request.user, notice) and notice.status == NoticeStatus.PUBLISHED
    context = {
        "notice": notice,
        "current": versions[0] if versions else None,
        "older": versions[1:],
        "page": page,
        "unread_only": unread_only,
        "n_targets": all_targets.count(),
        "n_read": all_targets.filter(read_version__gte=notice.current_version).count(),
        "sees_all": select.sees_all_receipts(request.user, notice),
        "issuer_side": issuer_side,
    }
    if issuer_side:
        groups, _units = target_groups([stored_unit(notice, "issuer")])
        existing = set(notice.targets.values_list("unit_key", flat=True))
        context["groups"] = [
            {**g, "units": [u for u in g["units"] if u.key not in existing], "open": False}
            for g in groups
        ]
        context["chosen"] = set()
    return render(request, "command/notices/detail.html", context)


@login_required
def notice_revise(request: HttpRequest, public_id) -> HttpResponse:
    notice = select.notice_get(user=request.user, public_id=public_id)
    if not _issuer_side(request.user, notice):
        raise PermissionDenied
    current = notice.versions.order_by("-number").first()
    initial = {"title": notice.title, "body": current.body if current else ""}
    form = NoticeReviseForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with_uploads(
                request,
                "attachments",
                allowed=ATTACHMENTS,
                path=notice.region_path,
                call=lambda files: service.notice_revise(
                    actor=request.user,
                    notice=notice,
                    title=data["title"],
                    body=data["body"],
                    change_note=data["change_note"],
                    attachments=files,
                ),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("新版本已发布，各单位需重新阅读"))
            return redirect("command:notice_detail", public_id=notice.public_id)
    return render(request, "command/notices/revise.html", {"form": form, "notice": notice})


@login_required
@require_POST
def notice_add_targets(request: HttpRequest, public_id) -> HttpResponse:
    notice = select.notice_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: service.notice_add_targets(
            actor=request.user, notice=notice, targets=request.POST.getlist("targets")
        ),
        _("已发送给所选单位"),
        service.notice_link(notice),
    )


@login_required
@require_POST
def notice_withdraw(request: HttpRequest, public_id) -> HttpResponse:
    notice = select.notice_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: service.notice_withdraw(
            actor=request.user, notice=notice, reason=request.POST.get("reason", "")
        ),
        _("已撤回"),
        service.notice_link(notice),
    )
