"""Shared helpers of the volunteers API: the caller, refusals with their codes, lookups."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bastion.core.apierrors import ApiError, django_validation_fields
from bastion.geo.models import Region

# Refusals that are about the current state rather than the request's shape.
CONFLICTS = frozenset(
    {
        "task_full",
        "overlap",
        "task_started",
        "task_cancelled",
        "deadline_passed",
        "confirmed",
        "order_taken",
        "rated",
        "not_done",
        "too_early",
        "too_late",
    }
)


def api_user(request):
    """The authenticated caller (token user or session user)."""
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


@contextmanager
def refusals():
    """Turn a service's coded ValidationError into an API error with that code
    (409 for conflicts with the current state, 422 otherwise)."""
    try:
        yield
    except ValidationError as exc:
        code = getattr(exc, "code", None)
        if not code or code == "invalid":
            raise
        status = 409 if code in CONFLICTS else 422
        raise ApiError(status, code, exc.messages[0], django_validation_fields(exc)) from exc


def region_by_code(code: str, *, field: str = "region") -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise ValidationError({field: [_("区划代码 %(c)s 不存在") % {"c": code}]})
    return region
