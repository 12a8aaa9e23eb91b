"""`{% responsibility_box grid=grid as box %}`: who answers for a grid or a person (包片、包户、包人).

Used by the small partials that the grid and person pages include, so those pages need
no change to their views. The caller must already be allowed to see the target.
"""

from __future__ import annotations

from django import template

from bastion.access import selectors_people as sel
from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, has_perm

register = template.Library()

# The user picker lists at most this many people.
CANDIDATES_LIMIT = 300


@register.simple_tag(takes_context=True)
def responsibility_box(context, grid=None, person=None) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    target = grid if grid is not None else person
    if user is None or target is None:
        return {"rows": [], "can_manage": False}
    household = person.household if person is not None and person.household_id else None
    rows = sel.responsible_for(
        user=user,
        region=grid if grid is not None else None,
        household=household,
        person=person,
    )
    can_manage = has_perm(user, Perm.ASSIGNMENT_MANAGE) and can_on_path(
        user, Perm.ASSIGNMENT_MANAGE, target.path
    )
    candidates = []
    if can_manage:
        candidates = list(
            sel.managed_user_list(user=user, active=True, perm=Perm.ASSIGNMENT_MANAGE)
            .prefetch_related(None)
            .only("public_id", "username", "full_name")
            .order_by("full_name", "username")[:CANDIDATES_LIMIT]
        )
    return {
        "rows": rows,
        "can_manage": can_manage,
        "candidates": candidates,
        "household": household,
        "next": request.get_full_path(),
    }
