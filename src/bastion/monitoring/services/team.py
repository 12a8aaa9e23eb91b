"""Responsibility teams (五包一): propose from standing seat duties, edit, keep access in step."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bastion.access.models import Assignment, AssignmentKind, User
from bastion.access.roles import Role
from bastion.access.scoping import forget_scope
from bastion.access.services import assignment_create, assignment_delete, notify
from bastion.core.audit import Action, audit_record
from bastion.core.i18n import Localized, Msg
from bastion.core.masking import mask_name
from bastion.monitoring.models import (
    Observation,
    ObservationStatus,
    SeatAssignment,
    TeamMember,
    TeamTemplateRole,
)


def _ancestor_paths(path: str) -> list[str]:
    """'a/b/c/' -> ['a/', 'a/b/', 'a/b/c/'] (each region's path ends with a slash)."""
    return [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]


# Roles whose holders may sit on a responsibility team of a person in their region (the
# town liaison cadre, the grid and village cadres, the police officer and the doctor).
TEAM_ROLES = (Role.TOWN_OFFICER, Role.COMMUNITY_OFFICER, Role.GRID_WORKER, Role.TEAM_MEMBER)


def team_candidates(*, observation: Observation) -> QuerySet[User]:
    """Who may be seated on this observation's team: active users holding a field role
    (TEAM_ROLES) or a standing seat duty at the person's grid or a region above it.

    The one rule behind the page's seat dropdowns, the API and `team_set`.
    """
    paths = _ancestor_paths(observation.path)
    eligible = Q(roles__role__in=TEAM_ROLES, roles__region_path__in=paths) | Q(
        seat_duties__path__in=paths
    )
    return User.objects.filter(Q(is_active=True) & eligible).distinct()


def team_candidate_get(*, observation: Observation, username: str = "", public_id=None):
    """One eligible user by username or public id; None when not one of them (whether
    the account exists or not)."""
    qs = team_candidates(observation=observation)
    try:
        return qs.get(public_id=public_id) if public_id else qs.get(username=username)
    except (User.DoesNotExist, ValueError, ValidationError):
        return None


def not_a_candidate_error(seat_label: str, who: str) -> str:
    return _("%(seat)s：%(user)s 不能担任此观察对象的责任组成员（须在其网格或上级区域任职）") % {
        "seat": seat_label,
        "user": who,
    }


def team_propose(*, observation: Observation) -> list[tuple[TeamTemplateRole, User | None]]:
    """For each seat of the policy's template, whoever holds that seat code for the nearest
    region at or above the person's grid (None when nobody does)."""
    seats = list(observation.policy.team_template.roles.order_by("order", "id"))
    duties = (
        SeatAssignment.objects.filter(
            seat_code__in=[s.code for s in seats],
            path__in=_ancestor_paths(observation.path),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("id")
    )
    best: dict[str, SeatAssignment] = {}
    for duty in duties:
        held = best.get(duty.seat_code)
        if held is None or len(duty.path) > len(held.path):
            best[duty.seat_code] = duty
    return [(seat, best[seat.code].user if seat.code in best else None) for seat in seats]


def _sync_person_access(
    *, actor, observation: Observation, added: set[User], removed: set[int]
) -> None:
    """Members get a 包人 assignment on the person; a removed member who no longer sits
    on any active team of that person loses it (team seats are what the assignment is for)."""
    person = observation.person
    current = {
        a.user_id: a for a in Assignment.objects.filter(kind=AssignmentKind.PERSON, person=person)
    }
    for user in added:
        if user.pk not in current:
            assignment_create(actor=actor, user=user, kind=AssignmentKind.PERSON, person=person)
        forget_scope(user)  # the seat itself changes what the user sees, assignment or not
    if actor is not None and actor.pk in removed:
        forget_scope(actor)
    if not removed:
        return
    still_seated = set(
        TeamMember.objects.filter(
            observation__person=person, observation__status=ObservationStatus.ACTIVE
        ).values_list("user_id", flat=True)
    )
    for user_id in removed - still_seated:
        if user_id in current:
            assignment_delete(actor=actor, assignment=current[user_id])


def team_release_access(*, actor, observation: Observation) -> None:
    """After release or early end: members keep the observation (their seat) but lose the
    person unless another active team of that person seats them."""
    members = set(observation.team.values_list("user_id", flat=True))
    _sync_person_access(actor=actor, observation=observation, added=set(), removed=members)


@transaction.atomic
def team_set(*, actor, observation: Observation, members: dict[str, User | None]) -> None:
    """Fill or empty seats (seat code -> user or None); seats not named stay as they are."""
    seats = {s.code: s for s in observation.policy.team_template.roles.all()}
    unknown = [code for code in members if code not in seats]
    if unknown:
        raise ValidationError(
            {"team": [_("未知的责任组岗位：%(codes)s") % {"codes": "、".join(unknown)}]}
        )
    existing = {m.seat.code: m for m in observation.team.select_related("seat", "user")}
    changes: dict[str, list] = {}
    added: set[User] = set()
    removed: set[int] = set()
    for code, user in members.items():
        member = existing.get(code)
        old = member.user if member else None
        if (old.pk if old else None) == (user.pk if user else None):
            continue
        if user is not None and not user.is_active:
            raise ValidationError(
                {code: [_("%(seat)s：账号已停用") % {"seat": seats[code].label_zh}]}
            )
        if (
            user is not None
            and not team_candidates(observation=observation).filter(pk=user.pk).exists()
        ):
            raise ValidationError({code: [not_a_candidate_error(seats[code].label_zh, user)]})
        if member and user is None:
            member.delete()
        elif member:
            member.user = user
            member.full_clean()
            member.save()
        else:
            member = TeamMember(observation=observation, seat=seats[code], user=user)
            member.full_clean()
            member.save()
        if old is not None:
            removed.add(old.pk)
        if user is not None:
            added.add(user)
        changes[code] = [old.username if old else None, user.username if user else None]
    if not changes:
        return
    _sync_person_access(actor=actor, observation=observation, added=added, removed=removed)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=observation,
        changes={"team": changes},
    )
    for user in added:
        notify(
            recipient=user,
            title=Msg(
                gettext_noop("您已加入%(name)s的责任组（%(seat)s）"),
                name=mask_name(observation.person.name),
                seat=[
                    Localized(seats[c].label_zh, seats[c].label_en)
                    for c, u in members.items()
                    if u == user
                ],
            ),
            link=_observation_link(observation),
        )


def team_notify(
    *, observation: Observation, title: str | Msg, body: str | Msg = "", level: str = "info"
):
    """Message every seated member of the observation's team."""
    users = {m.user for m in observation.team.select_related("user") if m.user.is_active}
    for user in users:
        notify(
            recipient=user, title=title, body=body, link=_observation_link(observation), level=level
        )


def _observation_link(observation: Observation) -> str:
    """The observation page (monitoring:observation); built, not reversed, so services
    do not load the URL configuration."""
    return f"/monitoring/observations/{observation.public_id}/"
