"""What every party page shares: forms that call a service, confirmation pages, paging."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bastion.access.scoping import has_perm

PAGE_SIZE = 50


def form_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form (unknown keys become form-wide errors)."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            for error in errors:
                for message in error.messages:
                    form.add_error(key if key in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def submitted(request: HttpRequest, form, act: Callable[[dict], object]):
    """On a valid POST run `act(cleaned_data)` and return its result; None when the form
    is not posted, not valid, or the service refused (its errors are on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return act(form.cleaned_data)
    except ValidationError as exc:
        form_errors(form, exc)
        return None


def done(request: HttpRequest, message: str, to: str, *args) -> HttpResponse:
    messages.success(request, message)
    return redirect(to, *args)


def attempt(
    request: HttpRequest, act: Callable[[], object], ok: str, to: str, *args
) -> HttpResponse:
    """Run a form-less action (a confirmed POST); a refusal becomes an error message."""
    try:
        act()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(to, *args)
    return done(request, ok, to, *args)


def form_page(
    request: HttpRequest,
    form,
    *,
    title: str,
    submit: str,
    cancel: str = "",
    intro: str = "",
    tab: str = "",
    facts=None,
    multipart: bool = False,
    danger: bool = False,
) -> HttpResponse:
    """The generic form page (422 when the form carries errors)."""
    return render(
        request,
        "party/form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "cancel": cancel,
            "intro": intro,
            "tab": tab,
            "facts": facts or [],
            "multipart": multipart,
            "danger": danger,
        },
        status=422 if form.is_bound and form.errors else 200,
    )


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    message: str,
    submit: str,
    cancel: str,
    facts=None,
    form=None,
    tab: str = "",
) -> HttpResponse:
    return render(
        request,
        "party/confirm.html",
        {
            "title": title,
            "message": message,
            "submit": submit,
            "cancel": cancel,
            "facts": facts or [],
            "form": form,
            "tab": tab,
        },
        status=422 if form is not None and form.is_bound and form.errors else 200,
    )


def page_of(request: HttpRequest, qs, per_page: int = PAGE_SIZE, param: str = "page"):
    return Paginator(qs, per_page).get_page(request.GET.get(param))


def require_anywhere(user, perm: str) -> None:
    """Pages of a section the user has no part in do not exist for her (404)."""
    if not has_perm(user, perm):
        raise Http404
