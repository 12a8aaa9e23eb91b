"""Helpers shared by the campaigns pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.translation import gettext as _

from bastion.access.scoping import has_perm

PAGE_SIZE = 30


def require_perm(user, perm: str) -> None:
    """403 for a signed-in user who holds `perm` nowhere."""
    if not has_perm(user, perm):
        raise PermissionDenied


def page_of(request, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def warn_all(request, warnings) -> None:
    for text in warnings:
        messages.warning(request, text)


def no_store(response: HttpResponse) -> HttpResponse:
    """A response that holds a revealed value: never cached, never replayed."""
    response["Cache-Control"] = "no-store"
    return response


def posted(request, field: str = "reason", max_length: int = 300) -> str:
    """A short text field of a POSTed action form (reason, note)."""
    return (request.POST.get(field) or "").strip()[:max_length]


def run_action(request, act, done: str):
    """Call `act()`; a ValidationError becomes error messages, success `done`. Returns
    what `act` returned, or None when it was refused."""
    try:
        result = act()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
    if done:
        messages.success(request, done)
    return result


def report_retry(request, act) -> None:
    """Retry an incident report: `act()` returns the incident's id or ""."""
    ref = run_action(request, act, "")
    if ref:
        messages.success(request, _("已上报事件"))
    elif ref is not None:
        messages.error(request, _("仍未能上报事件，请电话报告指挥部"))
