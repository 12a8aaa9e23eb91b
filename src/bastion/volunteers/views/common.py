"""Helpers shared by the volunteers pages."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def back(request: HttpRequest, default: str) -> HttpResponse:
    """Redirect to the POSTed `next` when it is ours, else to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def act(request: HttpRequest, call, done: str, default: str) -> HttpResponse:
    """Run `call()` (a service); flash its outcome and go back to `next` or `default`.
    A refusal in scope (PermissionDenied) propagates as 403."""
    try:
        call()
    except ValidationError as exc:
        flash_errors(request, exc)
    except PermissionDenied:
        raise
    else:
        messages.success(request, done)
    return back(request, default)


def add_form_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                for message in error.messages:
                    form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def as_uuid(value) -> uuid.UUID | None:
    """A UUID from a form value, or None (bad input is not an error page)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1
