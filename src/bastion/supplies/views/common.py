"""What the supplies pages share: the view permission (404 without it), a 403 for acts
the user may not do, errors from services onto forms and line formsets, pagination."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404

from bastion.access.scoping import has_perm
from bastion.supplies.selectors.common import can_view

PAGE_SIZE = 30


def supplies_page(view):
    """Signed in and Perm.SUPPLIES_VIEW somewhere; otherwise 404 (nothing to see here)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_view(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def require_perm(user, perm: str) -> None:
    """403 for a user who sees supplies but may not do this at all."""
    if not has_perm(user, perm):
        raise PermissionDenied


def page_of(qs, request, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def put_errors(form, exc: ValidationError, *, formset=None, rows: list[int] | None = None) -> None:
    """A service's ValidationError onto a form (and `lines.N.field` keys onto the formset's
    N-th submitted row: `rows[N]` is its index among the formset's forms)."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for key, errors in exc.error_dict.items():
        messages = [m for e in errors for m in e.messages]
        target, field = form, key
        if key.startswith("lines.") and formset is not None:
            parts = key.split(".")
            try:
                index = int(parts[1])
                target = formset.forms[rows[index] if rows else index]
                field = parts[2] if len(parts) > 2 else None
            except (ValueError, IndexError):
                target, field = form, None
        elif key == "lines":
            field = None
        for message in messages:
            if field is not None and field not in target.fields:
                field = None
            target.add_error(field, message)


def form_page(
    request,
    form,
    *,
    title: str,
    back: str,
    done: str,
    write,
    template: str = "supplies/form.html",
    errors=put_errors,
    **context,
):
    """The shape of every one-form page: on a valid POST call `write(cleaned_data)` (a
    service call; it returns the object to go to, or None for `back`), show its
    ValidationError on the form (422), or say `done` and redirect."""
    from django.contrib import messages
    from django.shortcuts import redirect, render

    if request.method == "POST" and form.is_valid():
        try:
            target = write(form.cleaned_data)
        except ValidationError as exc:
            errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(target.get_absolute_url() if target is not None else back)
    return render(
        request,
        template,
        {"form": form, "title": title, "back": back, **context},
        status=422 if form.errors else 200,
    )
