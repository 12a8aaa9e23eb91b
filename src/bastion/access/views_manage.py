"""Pages for managers: users in their subtree, role grants, responsibility assignments.

Thin: select through access.selectors_people, write through access.services_users.
Everything outside the manager's subtree answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bastion.access import selectors_people as sel
from bastion.access import services_users as svc
from bastion.access.forms_manage import GrantForm, UserCreateForm
from bastion.access.roles import Perm

PAGE_SIZE = 30


def _errors_into(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


# --- Users ----------------------------------------------------------------------------


@login_required
def user_list(request):
    q = request.GET.get("q", "").strip()[:100]
    qs = sel.managed_user_list(user=request.user, q=q)  # Http404 for non-managers
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "access/manage/users.html", {"page": page, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    manager = request.user
    sel.manageable_regions(user=manager)  # Http404 for non-managers
    form = UserCreateForm(request.POST or None, manager=manager)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            region = sel.manageable_region_get(user=manager, code=data["region"])
            user, password = svc.user_create(
                actor=manager,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                role=data["role"],
                region=region,
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            response = render(
                request, "access/manage/user_created.html", {"created": user, "password": password}
            )
            response["Cache-Control"] = "no-store"  # the password is shown once
            return response
    return render(request, "access/manage/user_form.html", {"form": form})


def _user_page(request, target, grant_form=None, status: int = 200):
    manager = request.user
    for grant in target.scoped_roles:
        grant.revocable = target.pk != manager.pk and grant.role in svc.grantable_roles(
            manager, grant.region_path
        )
    assignments = sel.assignment_list(
        user=manager, filters=sel.AssignmentFilters(user_public_id=str(target.public_id))
    )
    context = {
        "target": target,
        "other_roles": sel.other_grant_count(target=target),
        "grant_form": grant_form or GrantForm(manager=manager),
        "assignments": assignments,
        "is_self": target.pk == manager.pk,
    }
    return render(request, "access/manage/user.html", context, status=status)


@login_required
def user_detail(request, public_id):
    target = sel.managed_user_get(user=request.user, public_id=public_id)
    return _user_page(request, target)


@login_required
@require_POST
def user_grant(request, public_id):
    manager = request.user
    target = sel.managed_user_get(user=manager, public_id=public_id)
    form = GrantForm(request.POST, manager=manager)
    if form.is_valid():
        try:
            region = sel.manageable_region_get(user=manager, code=form.cleaned_data["region"])
            svc.role_grant(
                actor=manager, user=target, role=form.cleaned_data["role"], region=region
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("角色已授予"))
            return redirect("access:manage_user", public_id=target.public_id)
    return _user_page(request, target, grant_form=form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def grant_revoke(request, public_id, grant_id):
    manager = request.user
    target = sel.managed_user_get(user=manager, public_id=public_id)
    grant = sel.managed_grant_get(user=manager, target=target, public_id=grant_id)
    error = ""
    if request.method == "POST":
        try:
            svc.role_withdraw(actor=manager, grant=grant)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            messages.success(request, _("角色已撤销"))
            return redirect("access:manage_user", public_id=target.public_id)
    context = {"target": target, "grant": grant, "error": error}
    return render(request, "access/manage/grant_revoke.html", context, status=422 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def user_active(request, public_id, action: str):
    """Confirm, then deactivate (action="deactivate") or reactivate a user."""
    manager = request.user
    target = sel.managed_user_get(user=manager, public_id=public_id)
    error = ""
    if request.method == "POST":
        change = svc.user_deactivate if action == "deactivate" else svc.user_reactivate
        try:
            change(actor=manager, user=target)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            done = _("账号已停用") if action == "deactivate" else _("账号已重新启用")
            messages.success(request, done)
            return redirect("access:manage_user", public_id=target.public_id)
    context = {"target": target, "action": action, "error": error}
    return render(request, "access/manage/user_active.html", context, status=422 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def user_password(request, public_id):
    """Confirm, then issue a new one-time password (shown once; changed at next sign-in)."""
    manager = request.user
    target = sel.managed_user_get(user=manager, public_id=public_id)
    error = ""
    if request.method == "POST":
        try:
            password = svc.user_password_reset(actor=manager, user=target)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            response = render(
                request,
                "access/manage/user_created.html",
                {"created": target, "password": password, "reset": True},
            )
            response["Cache-Control"] = "no-store"  # the password is shown once
            return response
    context = {"target": target, "error": error}
    return render(
        request, "access/manage/user_password.html", context, status=422 if error else 200
    )


# --- Responsibility assignments ---------------------------------------------------------


@login_required
@require_POST
def assignment_add(request):
    """Add a 包片/包户/包人 assignment from the grid or person page, then go back there."""
    from bastion.access.api_manage import resolve_assignment_target

    manager = request.user
    back = _next_url(request, reverse("access:manage_users"))
    kind, target = request.POST.get("kind", ""), request.POST.get("target", "")
    if "kind_target" in request.POST:  # one select offers "person:<id>" or "household:<id>"
        kind, _sep, target = request.POST["kind_target"].partition(":")
    try:
        user = sel.managed_user_get(
            user=manager, public_id=request.POST.get("user", ""), perm=Perm.ASSIGNMENT_MANAGE
        )
        targets = resolve_assignment_target(
            manager,
            kind=kind,
            region_code=target if kind == "grid" else None,
            household=target if kind == "household" else None,
            person=target if kind == "person" else None,
        )
        svc.assignment_add(actor=manager, user=user, kind=kind, **targets)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except Http404:
        messages.error(request, _("所选用户或对象不存在，或不在你的管辖范围内"))
    else:
        messages.success(request, _("已添加责任人"))
    return HttpResponseRedirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_remove(request, public_id):
    manager = request.user
    assignment = sel.assignment_get(user=manager, public_id=public_id)
    back = _next_url(request, reverse("access:manage_user", args=[assignment.user.public_id]))
    if request.method == "POST":
        svc.assignment_remove(actor=manager, assignment=assignment)
        messages.success(request, _("已移除责任人"))
        return HttpResponseRedirect(back)
    context = {"assignment": assignment, "next": back}
    return render(request, "access/manage/assignment_remove.html", context)
