"""Login, the TOTP second factor, the lockout page; inbox, audit log, tokens, PII reveal."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from bastion.access import selectors, services
from bastion.access.auth_events import home_path
from bastion.access.forms import (
    AuditFilterForm,
    LoginForm,
    OtpTokenForm,
    PasswordChangeForm,
    RevealForm,
    TokenCreateForm,
)
from bastion.access.roles import Perm
from bastion.access.twofactor import (
    confirmed_device,
    device_qr_svg,
    device_secret,
    is_otp_verified,
    totp_required,
)
from bastion.core.audit import Action, audit_record, client_ip

PAGE_SIZE = 50


def _next_url(request, default: str | None = None) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


# --- Login, logout, lockout -----------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "access/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", code="rate_limited"):
            response.status_code = 429
            response["Retry-After"] = str(settings.BASTION_LOGIN_WINDOW_SECONDS)
        return response

    def get_success_url(self):
        url = super().get_success_url()
        user = self.request.user
        if totp_required(user) and not is_otp_verified(user):
            name = "access:otp_verify" if confirmed_device(user) else "access:otp_setup"
            return _with_next(reverse(name), url)
        return url


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # The field pages keep the user's day lists and unsent entries in the browser:
        # nothing of hers stays on a shared phone (docs/decisions/0078).
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes lockout: say in Chinese when the user may try again."""
    cool_off = dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    retry_at = timezone.localtime(timezone.now() + cool_off)
    context = {
        "retry_at": retry_at,
        "minutes": max(1, int(cool_off.total_seconds() // 60)),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "access/locked.html", context, status=429)


# --- TOTP -------------------------------------------------------------------------------


def _token_error(device) -> str:
    device.refresh_from_db()
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return _("动态口令不正确。尝试过于频繁，请稍等片刻再试")
    return _("动态口令不正确，请核对手机时间后重试")


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """First-time setup: show the secret and a QR code, confirm the first code."""
    if confirmed_device(request.user) is not None:
        return redirect(_with_next(reverse("access:otp_verify"), _next_url(request)))
    device = services.totp_device_prepare(user=request.user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(
            user=request.user, device=device, token=form.cleaned_data["token"]
        ):
            otp_login(request, device)
            messages.success(request, _("动态口令已启用"))
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _token_error(device))
    context = {
        "form": form,
        "secret": device_secret(device),
        "qr_svg": device_qr_svg(device),
        "next": _next_url(request),
    }
    return render(request, "access/otp_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Ask for the current code after the password."""
    device = confirmed_device(request.user)
    if device is None:
        return redirect(_with_next(reverse("access:otp_setup"), _next_url(request)))
    if is_otp_verified(request.user):
        return HttpResponseRedirect(_next_url(request))
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from django_otp import verify_token

        if verify_token(request.user, device.persistent_id, form.cleaned_data["token"]):
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        audit_record(
            actor=None,
            action=Action.LOGIN_FAILED,
            obj=request.user,
            path=home_path(request.user),
            changes={"stage": "totp"},
            ip_address=client_ip(request),
        )
        form.add_error("token", _token_error(device))
    return render(request, "access/otp_verify.html", {"form": form, "next": _next_url(request)})


# --- Own password -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Change one's own password (required after a manager issued one)."""
    from django.contrib.auth import update_session_auth_hash

    from bastion.access.services_users import TooManyAttempts, user_password_change

    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                user_password_change(
                    user=request.user,
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password1"],
                    ip_address=client_ip(request),
                )
            except TooManyAttempts:
                form.add_error(None, _("尝试次数过多，请 15 分钟后再试"))
                status = 429
            except ValidationError as exc:  # the password rules' messages have no field
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                for name, texts in errors.items():
                    form.add_error(
                        "old_password" if name == "old_password" else "new_password1", texts
                    )
            else:
                update_session_auth_hash(request, request.user)  # stay signed in
                messages.success(request, _("密码已修改"))
                return redirect(settings.LOGIN_REDIRECT_URL)
    context = {"form": form, "required": request.user.must_change_password}
    response = render(request, "access/password_change.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


# --- Inbox ------------------------------------------------------------------------------


@login_required
def inbox(request):
    unread = request.GET.get("unread") == "1"
    qs = selectors.notification_list(user=request.user, unread=unread)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread": unread,
        "unread_count": selectors.notification_unread_count(user=request.user),
    }
    return render(request, "access/inbox.html", context)


@login_required
@require_POST
def notification_read(request, public_id):
    notification = selectors.notification_get(user=request.user, public_id=public_id)
    services.notification_mark_read(user=request.user, notification=notification)
    if notification.link and request.POST.get("follow") == "1":
        if url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(notification.link)
    return redirect("access:inbox")


@login_required
@require_POST
def inbox_read_all(request):
    services.notification_mark_all_read(user=request.user)
    return redirect("access:inbox")


# --- Audit log --------------------------------------------------------------------------


@login_required
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = selectors.AuditFilters()
    if form.is_valid():
        filters = selectors.AuditFilters(**form.cleaned_data)
    qs = selectors.audit_list(user=request.user, filters=filters)  # Http404 for non-auditors
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "access/audit.html", context)


# --- API tokens -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenCreateForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        _token, new_key = services.api_token_create(
            actor=request.user,
            user=request.user,
            name=form.cleaned_data["name"],
            expires_at=expires_at,
        )
        form = TokenCreateForm()
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": selectors.api_token_list(user=request.user),
        "now": timezone.now(),
    }
    response = render(request, "access/tokens.html", context)
    response["Cache-Control"] = "no-store"  # the page may hold a key shown once
    return response


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, public_id):
    token = selectors.api_token_get(user=request.user, public_id=public_id)
    if request.method == "POST":
        services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("令牌已撤销"))
        return redirect("access:tokens")
    return render(request, "access/token_revoke.html", {"token": token})


# --- PII reveal -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reveal(request, public_id):
    """Reveal a person's ID or phone number for a stated reason (audited)."""
    from bastion.people.selectors import person_get

    person = person_get(user=request.user, public_id=public_id, perm=Perm.PII_REVEAL)
    form = RevealForm(request.POST or None, initial={"field": request.GET.get("field")})
    value = None
    if request.method == "POST" and form.is_valid():
        try:
            value = services.pii_reveal(
                actor=request.user,
                person=person,
                field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
    context = {
        "person": person,
        "form": form,
        "value": value,
        "field_label": dict(form.fields["field"].choices).get(form.data.get("field"), ""),
    }
    template = "access/_reveal.html" if request.htmx else "access/reveal.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response
