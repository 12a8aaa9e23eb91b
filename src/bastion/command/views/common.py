"""Helpers of the command pages: permission gates, flashing a service's outcome, storing
uploads so that a refused write leaves no file behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from bastion.access.scoping import has_perm
from bastion.core.uploads import ANY, IMAGES, private_root, upload_store

PAGE_SIZE = 30
ATTACHMENTS = ANY
PHOTOS = IMAGES


def require_any(user, *perms: str) -> None:
    """403 unless the user holds one of `perms` somewhere."""
    if not any(has_perm(user, perm) for perm in perms):
        raise PermissionDenied


def issuing_levels(user) -> list:
    """The levels the user issues from (directives, notices, meetings); 403 when none."""
    from bastion.access.roles import Perm
    from bastion.command.units import issuing_units

    require_any(user, Perm.DIRECTIVE_ISSUE)
    issuers = issuing_units(user)
    if not issuers:
        raise PermissionDenied
    return issuers


def back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def act(request: HttpRequest, call: Callable[[], object], done: str, default: str) -> HttpResponse:
    """Run `call()` (a service), flash its outcome, and go back to `next` or `default`.
    A refusal (ValidationError, PermissionDenied) becomes a message, never an error page."""
    try:
        call()
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("没有权限执行此操作"))
    else:
        messages.success(request, done)
    return back(request, default)


def with_uploads(
    request: HttpRequest, field: str, *, allowed, path: str, call: Callable[[list], object]
):
    """Store the files of `field`, then `call(files)`, in one transaction; if anything is
    refused, the stored files are removed too (no half-written upload)."""
    stored = []
    try:
        with transaction.atomic():
            for upload in request.FILES.getlist(field):
                stored.append(
                    upload_store(
                        file=upload, actor=request.user, allowed=allowed, path=path, field=field
                    )
                )
            return call(stored)
    except BaseException:
        for item in stored:
            (private_root() / item.storage_name).unlink(missing_ok=True)
        raise


def parse_day(raw: str | None, default: dt.date | None = None) -> dt.date:
    """A YYYY-MM-DD query value, or today (local) when missing or malformed."""
    if raw:
        try:
            return dt.date.fromisoformat(raw.strip()[:10])
        except ValueError:
            pass
    return default or timezone.localdate()


def param(request: HttpRequest, name: str, limit: int = 64) -> str:
    """A query (or form) value as plain text: no NUL characters (PostgreSQL refuses them),
    trimmed and cut to `limit`."""
    raw = request.GET.get(name) or request.POST.get(name) or ""
    return raw.replace("\x00", "").strip()[:limit]


def search_text(request: HttpRequest) -> str:
    return param(request, "q", 60)
