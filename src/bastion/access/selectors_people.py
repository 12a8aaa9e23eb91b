"""Scoped reads for managing people who use the system: users, their grants, assignments.

A manager sees the users who hold at least one role inside her subtree for
Perm.USER_MANAGE, and the responsibility assignments (包片、包户、包人) inside her subtree
for Perm.ASSIGNMENT_MANAGE. Anything else answers Http404.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from bastion.access.models import Assignment, RoleAssignment, User
from bastion.access.roles import Perm
from bastion.access.scoping import has_perm, restrict_by_path
from bastion.geo.models import Region

# The region picker of the grant form lists at most this many regions.
REGION_CHOICES_LIMIT = 2000


def _require(user, perm: str) -> None:
    if not has_perm(user, perm):
        raise Http404


def grants_in_scope(user, perm: str = Perm.USER_MANAGE) -> QuerySet[RoleAssignment]:
    """Role assignments whose region lies in the user's subtrees for `perm`."""
    qs = RoleAssignment.objects.filter(region__isnull=False)
    return restrict_by_path(qs, user, perm, field_name="region_path")


def managed_user_list(
    *, user, q: str = "", active: bool | None = None, perm: str = Perm.USER_MANAGE
) -> QuerySet[User]:
    """Users holding at least one role inside the manager's subtree, with those grants.

    Each user's `scoped_roles` holds only the grants the manager may see (region loaded).
    """
    _require(user, perm)
    grants = grants_in_scope(user, perm)
    qs = User.objects.filter(Exists(grants.filter(user_id=OuterRef("pk"))))
    if active is not None:
        qs = qs.filter(is_active=active)
    text = q.strip()
    if text:
        qs = qs.filter(Q(username__icontains=text) | Q(full_name__icontains=text))
    scoped = grants.select_related("region").order_by("region_path", "role", "id")
    return qs.prefetch_related(Prefetch("roles", queryset=scoped, to_attr="scoped_roles")).order_by(
        "username", "id"
    )


def managed_user_get(*, user, public_id, perm: str = Perm.USER_MANAGE) -> User:
    """One user the manager may see; Http404 when missing or outside her subtree."""
    try:
        return managed_user_list(user=user, perm=perm).get(public_id=public_id)
    except (User.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def managed_grant_get(*, user, target: User, public_id) -> RoleAssignment:
    """One of `target`'s grants inside the manager's subtree; Http404 otherwise."""
    try:
        return (
            grants_in_scope(user)
            .select_related("region", "user")
            .get(user=target, public_id=public_id)
        )
    except (RoleAssignment.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def other_grant_count(*, target: User) -> int:
    """How many grants of `target` (from managed_user_get) lie outside the manager's view."""
    return RoleAssignment.objects.filter(user=target).count() - len(target.scoped_roles)


def manageable_regions(*, user, perm: str = Perm.USER_MANAGE) -> QuerySet[Region]:
    """Regions inside the manager's subtrees (for the region picker), top first."""
    _require(user, perm)
    return restrict_by_path(Region.objects.all(), user, perm).order_by("path")[
        :REGION_CHOICES_LIMIT
    ]


def manageable_region_get(*, user, code: str, perm: str = Perm.USER_MANAGE) -> Region:
    """A region inside the manager's subtree by code; Http404 otherwise."""
    try:
        return restrict_by_path(Region.objects.all(), user, perm).get(code=code)
    except Region.DoesNotExist as exc:
        raise Http404 from exc


# --- Responsibility assignments (包片、包户、包人) ------------------------------------


@dataclass(frozen=True)
class AssignmentFilters:
    kind: str = ""
    region_path: str = ""
    user_public_id: str = ""


def assignment_list(*, user, filters: AssignmentFilters | None = None) -> QuerySet[Assignment]:
    """Assignments inside the manager's subtree for Perm.ASSIGNMENT_MANAGE."""
    _require(user, Perm.ASSIGNMENT_MANAGE)
    f = filters or AssignmentFilters()
    qs = restrict_by_path(Assignment.objects.all(), user, Perm.ASSIGNMENT_MANAGE)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.region_path:
        qs = qs.filter(path__startswith=f.region_path)
    if f.user_public_id:
        try:
            qs = qs.filter(user__public_id=uuid.UUID(str(f.user_public_id)))
        except ValueError:
            qs = qs.none()
    return qs.select_related("user", "region", "household", "person").order_by("path", "kind", "id")


def assignment_get(*, user, public_id) -> Assignment:
    try:
        return assignment_list(user=user).get(public_id=public_id)
    except (Assignment.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def responsible_for(
    *, user, region: Region | None = None, household=None, person=None
) -> list[Assignment]:
    """Who answers for one grid, household or person the viewer can already see.

    The caller has checked that `user` may see the target; the names of those who
    answer for it are shown to everyone who sees it.
    """
    q = Q(pk__in=[])
    if region is not None:
        q |= Q(kind="grid", region=region)
    if household is not None:
        q |= Q(kind="household", household=household)
    if person is not None:
        q |= Q(kind="person", person=person)
    return list(
        Assignment.objects.filter(q).select_related("user").order_by("kind", "created_at", "id")
    )
