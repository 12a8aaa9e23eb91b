"""A limit on password attempts per client address, shared by every worker process.

django-axes locks a username at one address after a few failures; this limit catches
the other pattern, one address trying many usernames. It is the first authentication
backend, so every way of checking a password (the login page, the admin login) counts,
and the counters live in the shared store (core.ratelimit), not in a process's memory.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied

from bastion.core.audit import client_ip
from bastion.core.ratelimit import rate_limit_hit

LIMITED_ATTR = "bastion_login_limited"


def login_window_minutes() -> int:
    return max(1, settings.BASTION_LOGIN_WINDOW_SECONDS // 60)


class LoginRateLimitBackend:
    """Counts each password check by client address; over the limit it refuses (which
    stops `authenticate` and is recorded as a failed login). It never logs anyone in,
    so it has no `get_user` (and is never the backend a session names)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or password is None:
            return
        address = client_ip(request) or "unknown"
        if rate_limit_hit(
            "login_ip",
            address,
            limit=settings.BASTION_LOGIN_ATTEMPTS_PER_IP,
            window_seconds=settings.BASTION_LOGIN_WINDOW_SECONDS,
        ):
            setattr(request, LIMITED_ATTR, True)
            raise PermissionDenied
        return
