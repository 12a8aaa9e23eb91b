"""API authentication: the web session (with CSRF) or a personal bearer token.

`api_user(request)` answers "who is calling the API" the same way the NinjaAPI auth
does; the idempotency middleware uses it before the view runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from bastion.access.twofactor import session_needs_otp

TOKEN_PREFIX = "bst_"  # noqa: S105 - a public marker, not a secret
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
_CACHE_ATTR = "_bastion_token_user"
_MISSING = object()


def token_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def bearer_key(request) -> str | None:
    """The raw key of an `Authorization: Bearer ...` header, or None when absent."""
    value = request.headers.get("Authorization", "")
    scheme, _sep, key = value.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return key.strip()


def user_for_token(raw_key: str):
    """The active user owning a live token with this key, or None."""
    from bastion.access.models import ApiToken

    if not raw_key.startswith(TOKEN_PREFIX):
        return None
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=token_hash(raw_key))
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_user(request):
    """Resolve the bearer token once per request (cached on the request)."""
    cached = getattr(request, _CACHE_ATTR, _MISSING)
    if cached is not _MISSING:
        return cached
    key = bearer_key(request)
    user = user_for_token(key) if key else None
    setattr(request, _CACHE_ATTR, user)
    if user is not None:
        # Endpoints may read request.user as well as request.auth.
        request.user = user
    return user


def session_user(request, *, csrf: bool = True):
    """The session's user when the session may call the API (active, second factor passed)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if session_needs_otp(request):
        return None
    if csrf and _csrf_fails(request):
        return None
    return user


def _csrf_fails(request) -> bool:
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return False
    if getattr(request, "_ninja_csrf_exempt", False):
        return False
    return check_csrf(request) is not None


def api_user(request):
    """Who calls the API: the bearer token's user when a token is sent, else the session's."""
    if bearer_key(request) is not None:
        return token_user(request)
    return session_user(request)


# What a user who must change her password may still call: who am I, and the change.
PASSWORD_CHANGE_OPEN = ("/api/v1/me", "/api/v1/me/password")


def check_password_changed(request, user) -> None:
    """403 `password_change_required` while the user still has a manager-issued password."""
    if getattr(user, "must_change_password", False) and request.path not in PASSWORD_CHANGE_OPEN:
        from bastion.core.apierrors import ApiError

        raise ApiError(
            403,
            "password_change_required",
            _("请先修改管理员发给您的初始密码（POST /api/v1/me/password 或网页“修改密码”）"),
        )


class TokenAuth(HttpBearer):
    """`Authorization: Bearer bst_...`; a wrong, revoked or expired token is a 401."""

    def __call__(self, request):
        if bearer_key(request) is None:
            return None
        return self.authenticate(request, bearer_key(request) or "")

    def authenticate(self, request, token: str):
        user = token_user(request)
        if user is None:
            raise AuthenticationError(401, _("令牌无效、已撤销或已过期"))
        check_password_changed(request, user)
        return user


class SessionAuth(APIKeyCookie):
    """The web session, CSRF-checked for unsafe methods; TOTP users must have passed TOTP."""

    param_name = "sessionid"

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def __call__(self, request):
        user = session_user(request, csrf=False)
        if user is None:
            return None
        if _csrf_fails(request):
            raise HttpError(403, _("CSRF 校验失败，请刷新页面后重试"))
        check_password_changed(request, user)
        return user

    def authenticate(self, request, key: str | None):  # pragma: no cover - __call__ decides
        return session_user(request, csrf=False)


api_auth = [TokenAuth(), SessionAuth()]
