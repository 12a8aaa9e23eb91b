"""Scoped reads for standing seat duties (五包一岗位): who fills which seat for a region subtree.

A manager sees the duties whose region lies in her subtrees for Perm.ASSIGNMENT_MANAGE;
without that permission anywhere, or for a duty outside her subtrees, the answer is Http404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import CharField, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from bastion.access import selectors_people
from bastion.access.models import User
from bastion.access.roles import Perm
from bastion.access.scoping import has_perm, restrict_by_path
from bastion.geo.models import Region
from bastion.monitoring.models import Policy, SeatAssignment, TeamTemplateRole

# The user picker lists at most this many people.
USER_CHOICES_LIMIT = 300


@dataclass(frozen=True)
class Seat:
    code: str
    label_zh: str
    label_en: str


def require_seat_manager(user) -> None:
    if not has_perm(user, Perm.ASSIGNMENT_MANAGE):
        raise Http404


def seat_choices() -> list[Seat]:
    """The seats of the team templates that active policies use (all templates when no
    policy is active), in template order; a code shared by templates appears once."""
    roles = TeamTemplateRole.objects.order_by("template__name", "order", "id")
    active = Policy.objects.filter(active=True).values("team_template_id")
    used = roles.filter(template_id__in=active)
    seats: dict[str, Seat] = {}
    for role in used or roles:
        seats.setdefault(role.code, Seat(role.code, role.label_zh, role.label_en))
    return list(seats.values())


def _seat_label():
    """A duty's seat label: from a template an active policy uses first, else any
    template (by name); the bare code when no template has the seat."""
    label = TeamTemplateRole.objects.filter(code=OuterRef("seat_code")).order_by(
        F("template__policies__active").desc(nulls_last=True), "template__name", "id"
    )
    return Coalesce(
        Subquery(label.values("label_zh")[:1]), F("seat_code"), output_field=CharField()
    )


def seat_duty_list(*, user, region_path: str = "") -> QuerySet[SeatAssignment]:
    """Seat duties inside the manager's subtrees, grouped by region (path order), each
    annotated with its `seat_label`."""
    require_seat_manager(user)
    qs = restrict_by_path(SeatAssignment.objects.all(), user, Perm.ASSIGNMENT_MANAGE)
    if region_path:
        qs = qs.filter(path__startswith=region_path)
    return (
        qs.select_related("region", "user")
        .annotate(seat_label=_seat_label())
        .order_by("path", "seat_code", "user__username", "id")
    )


def seat_duty_get(*, user, public_id) -> SeatAssignment:
    """One seat duty in the manager's subtrees; Http404 when missing or outside."""
    try:
        return seat_duty_list(user=user).get(public_id=public_id)
    except (SeatAssignment.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def seat_regions(*, user) -> QuerySet[Region]:
    """Regions the manager may give a seat duty for (her subtrees)."""
    return selectors_people.manageable_regions(user=user, perm=Perm.ASSIGNMENT_MANAGE)


def seat_region_get(*, user, code: str) -> Region:
    return selectors_people.manageable_region_get(user=user, code=code, perm=Perm.ASSIGNMENT_MANAGE)


def seat_candidates(*, user) -> QuerySet[User]:
    """Active users holding a role inside the manager's subtrees (the user picker)."""
    return (
        selectors_people.managed_user_list(user=user, active=True, perm=Perm.ASSIGNMENT_MANAGE)
        .prefetch_related(None)
        .only("id", "public_id", "username", "full_name")
        .order_by("full_name", "username", "id")
    )


def seat_candidate_get(*, user, username: str = "", public_id=None) -> User | None:
    """A user the manager may seat, by username or public id; None when not one of them."""
    qs = seat_candidates(user=user)
    try:
        if public_id:
            return qs.get(public_id=public_id)
        return qs.get(username=username)
    except (User.DoesNotExist, ValueError, ValidationError):
        return None
