"""The supplies landing page: the figures of the user's scope and her to-do lists."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.supplies.selectors.allocations import allocation_list
from bastion.supplies.selectors.summary import scoped_sources, totals
from bastion.supplies.views.common import supplies_page

TODO_LIMIT = 8


@supplies_page
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    figures = totals(scoped_sources(user))
    todos = []
    if has_perm(user, Perm.ALLOCATION_APPROVE):
        todos.append(("approve", allocation_list(user=user, todo="approve")))
    if has_perm(user, Perm.STOCK_MANAGE):
        todos.append(("issue", allocation_list(user=user, todo="issue")))
    if has_perm(user, Perm.ALLOCATION_REQUEST):
        todos.append(("confirm", allocation_list(user=user, todo="confirm")))
    return render(
        request,
        "supplies/home.html",
        {
            "figures": figures,
            "todos": [
                (key, list(qs.order_by("requested_at", "id")[:TODO_LIMIT]), qs.count())
                for key, qs in todos
            ],
            "can": {
                "donations": has_perm(user, Perm.DONATION_MANAGE),
                "request": has_perm(user, Perm.ALLOCATION_REQUEST),
                "approve": has_perm(user, Perm.ALLOCATION_APPROVE),
            },
        },
    )
