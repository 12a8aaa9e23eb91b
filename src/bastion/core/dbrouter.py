"""Dashboards and reports read from a streaming replica; everything else uses the primary.

With DATABASE_REPLICA_URL set, settings define the `replica` alias and this router. A
view opts in with `@reads_from_replica` (the indicator pages and API, the dashboard pages,
big screen, chart data and exports): inside it,
reads go to the replica, writes still to the primary. A replica lags behind the
primary, so a user who has just written is pinned to the primary for
BASTION_REPLICA_PIN_SECONDS (decision 0083): `ReplicaPinMiddleware` notes each
successful write in a cookie (browsers) and in the shared cache under the user's id
(tokens, other servers), and `@reads_from_replica` reads from the primary while the
pin holds. Nobody ever sees less than they just wrote on their own pages; others may
see a figure a few seconds old, as of the replica's last replayed transaction.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string

DEFAULT = "default"
REPLICA = "replica"
PIN_COOKIE = "bastion_primary_until"
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}

_replica_reads: ContextVar[bool] = ContextVar("bastion_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _pin_seconds() -> int:
    return int(getattr(settings, "BASTION_REPLICA_PIN_SECONDS", 30))


def _pin_key(user_id) -> str:
    return f"bastion:primary-pin:{user_id}"


def _user_id(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    if request.path.startswith("/api/") and request.headers.get("Authorization"):
        resolved = import_string(settings.IDEMPOTENCY_USER_RESOLVER)(request)
        return resolved.pk if resolved is not None else None
    return None


def pinned_to_primary(request) -> bool:
    """True while the caller's own recent write may not have reached the replica."""
    now = time.time()
    try:
        if float(request.COOKIES.get(PIN_COOKIE, "0")) > now:
            return True
    except ValueError:
        pass
    user_id = _user_id(request)
    if user_id is None:
        return False
    from django.core.cache import cache

    return float(cache.get(_pin_key(user_id)) or 0) > now


def reads_from_replica(view):
    """Decorate a read-only view (dashboards, reports) to read from the replica."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not replica_configured() or pinned_to_primary(request):
            return view(request, *args, **kwargs)
        token = _replica_reads.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _replica_reads.reset(token)

    wrapper.reads_from_replica = True  # outer decorators copy it (functools.wraps)
    return wrapper


class ReplicaPinMiddleware:
    """After a successful write, pin the writer's reads to the primary for a while."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if replica_configured() and request.method in _WRITES and response.status_code < 400:
            until = time.time() + _pin_seconds()
            response.set_cookie(PIN_COOKIE, f"{until:.3f}", max_age=_pin_seconds(),
                                httponly=True, samesite="Lax")  # fmt: skip
            user_id = _user_id(request)
            if user_id is not None:
                from django.core.cache import cache

                cache.set(_pin_key(user_id), until, _pin_seconds())
        return response


class ReplicaRouter:
    """Reads inside @reads_from_replica go to the replica; all else to the primary."""

    def db_for_read(self, model, **hints):
        # A read inside a write transaction stays on the primary, seeing that transaction.
        if _replica_reads.get() and replica_configured():
            if not connections[DEFAULT].in_atomic_block:
                return REPLICA
        return None  # Django's default: the primary (or the instance's own database)

    def db_for_write(self, model, **hints):
        return None  # the primary

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT  # the replica follows the primary's schema by replication
