"""Helpers shared by the campaigns pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse

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
