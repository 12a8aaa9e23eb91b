"""Session inactivity timeout, and the TOTP gate for command-level roles."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from bastion.access.twofactor import confirmed_device, session_needs_otp

_KEY = "bastion_last_seen"
# Refresh the stored timestamp at most this often, so a busy session is not written on
# every request; the timeout is then exact to within this many seconds.
_TOUCH_EVERY = 60


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_INACTIVITY_SECONDS:
                logout(request)
            elif last_seen is None or now - last_seen >= _TOUCH_EVERY:
                request.session[_KEY] = now
        return self.get_response(request)


# Pages a user may open before passing the second factor. The API is not listed:
# its session auth refuses unverified TOTP users itself (401).
_OTP_OPEN_NAMES = ("access:login", "access:logout", "access:otp_setup", "access:otp_verify")
_OTP_OPEN_PREFIXES = ("/api/", "/static/", "/i18n/")


class _GateMiddleware:
    """Sends a signed-in user who must first do something to the page where she does it;
    `open_names` are the pages she may still open (plus the API, static files, i18n)."""

    open_names: tuple[str, ...] = ()

    def __init__(self, get_response):
        self.get_response = get_response

    def _is_open(self, path: str) -> bool:
        if path.startswith(_OTP_OPEN_PREFIXES):
            return True
        return path in {reverse(name) for name in self.open_names}

    def target(self, request) -> str | None:
        """The URL name to send the user to, or None when she may go on."""
        raise NotImplementedError

    def __call__(self, request):
        name = self.target(request)
        if name is not None and not self._is_open(request.path):
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class OtpRequiredMiddleware(_GateMiddleware):
    """Until a TOTP user enters a code, every page sends them to verify (or to setup)."""

    open_names = _OTP_OPEN_NAMES

    def target(self, request) -> str | None:
        if not session_needs_otp(request):
            return None
        return "access:otp_verify" if confirmed_device(request.user) else "access:otp_setup"


class PasswordChangeRequiredMiddleware(_GateMiddleware):
    """A user signed in with a password a manager issued goes to "修改密码" first (the API
    answers 403 "password_change_required" itself, see apiauth)."""

    open_names = (
        "access:password_change",
        "access:logout",
        "access:otp_setup",
        "access:otp_verify",
    )

    def target(self, request) -> str | None:
        user = request.user
        if user.is_authenticated and getattr(user, "must_change_password", False):
            return "access:password_change"
        return None
