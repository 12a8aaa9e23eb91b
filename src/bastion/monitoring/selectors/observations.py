"""Scoped reads of observations: region grants for people, plus the user's own team seats.

A responsibility-team member holds no region grant for people, so she sees exactly
the observations where she fills a seat.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, region_paths, scope_memo, scope_of
from bastion.core.idnumber import IdNumberError, parse_id_number
from bastion.core.phone import PhoneError, parse_mobile
from bastion.monitoring.models import Observation, Policy, TeamMember
from bastion.people.identity import phone_index
from bastion.people.selectors import id_number_q

# Up to this many team seats are inlined as a list of ids (an index lookup PostgreSQL can
# OR with the path index); more become a UNION subquery, which it semi-joins.
_INLINE_TEAM_IDS = 1000


def visible_prefixes(user) -> list[str] | None:
    """Region path prefixes that open observations; None: everything (superuser)."""
    paths = region_paths(user, Perm.PERSON_VIEW)
    if paths is None:
        return None
    scope = scope_of(user)
    prefixes = list(paths)
    if Perm.PERSON_VIEW in scope.perms:
        prefixes += scope.assigned_grid_paths
    return prefixes


def _visible_q(user, pk_field: str = "pk", path_field: str = "path") -> Q | None:
    """None: everything (superuser). Otherwise region grants, 包片 grids, and team seats.

    `pk_field` / `path_field` apply the same rule to records that carry their
    observation's id and region path (alerts, service requests: "observation_id", "path").

    `pk IN (team subquery) OR path LIKE ...` cannot use an index (PostgreSQL scans every
    observation), so with region prefixes the team's ids are read first: a short list
    ORs with the path index; a long one becomes `pk IN (team UNION path matches)`.
    """
    prefixes = visible_prefixes(user)
    if prefixes is None:
        return None
    pk_in = f"{pk_field}__in"
    team = TeamMember.objects.filter(user_id=user.pk).values("observation_id")
    if not prefixes:
        return Q(**{pk_in: team})
    team_ids = scope_memo(
        user,
        "monitoring.team_observation_ids",
        lambda: list(
            team.order_by().values_list("observation_id", flat=True)[: _INLINE_TEAM_IDS + 1]
        ),
    )
    if len(team_ids) <= _INLINE_TEAM_IDS:
        by_path = Q(**{pk_in: []})
        for prefix in prefixes:
            by_path |= Q(**{f"{path_field}__startswith": prefix})
        return Q(**{pk_in: team_ids}) | by_path if team_ids else by_path
    in_region = Q(pk__in=[])
    for prefix in prefixes:
        in_region |= Q(path__startswith=prefix)
    region_ids = Observation.objects.filter(in_region).order_by().values("id")
    return Q(**{pk_in: team.order_by().union(region_ids, all=True)})


def visible_record_q(user) -> Q | None:
    """The `observation_list` rule for a record with `observation_id` and its
    observation's region `path` (Alert, ServiceRequest); None: all. Callers check
    `user.is_authenticated` first."""
    return _visible_q(user, pk_field="observation_id", path_field="path")


def observation_visible_to(user, observation: Observation) -> bool:
    """The same rule as `observation_list`, for one loaded observation."""
    if not getattr(user, "is_authenticated", False):
        return False
    prefixes = visible_prefixes(user)
    if prefixes is None or any(observation.path.startswith(p) for p in prefixes):
        return True
    return observation_is_team_member(user, observation)


def _search_q(q: str) -> Q:
    text = q.strip()
    try:
        return id_number_q(parse_id_number(text).value, prefix="person__")
    except IdNumberError:
        pass
    try:
        return Q(person__phone_index=phone_index(parse_mobile(text)))
    except PhoneError:
        pass
    return Q(person__name__icontains=text) | Q(origin__icontains=text)


def observation_list(
    *,
    user,
    status: str | None = None,
    region_path: str | None = None,
    policy: Policy | str | None = None,
    q: str = "",
) -> QuerySet[Observation]:
    """Observations the user may see; `policy` is a Policy or its category code."""
    if not getattr(user, "is_authenticated", False):
        return Observation.objects.none()
    qs = Observation.objects.all()
    visible = _visible_q(user)
    if visible is not None:
        qs = qs.filter(visible)
    if status:
        qs = qs.filter(status=status)
    if region_path:
        qs = qs.filter(path__startswith=region_path)
    if isinstance(policy, Policy):
        qs = qs.filter(policy=policy)
    elif policy:
        qs = qs.filter(policy__category=policy)
    if q and q.strip():
        qs = qs.filter(_search_q(q))
    return qs.select_related("person", "policy", "region", "household")


def observation_get(*, user, public_id) -> Observation:
    """One observation; Http404 when missing or outside the user's scope."""
    try:
        return observation_list(user=user).get(public_id=public_id)
    except (Observation.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def observation_is_team_member(user, observation: Observation) -> bool:
    return TeamMember.objects.filter(observation=observation, user_id=user.pk).exists()


def observation_can_change(user, observation: Observation) -> bool:
    """May the user act on this observation (team member, or PERSON_CHANGE over its region)?"""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_on_path(user, Perm.PERSON_CHANGE, observation.path) or (
        observation_is_team_member(user, observation)
    )


def observation_team(observation: Observation) -> list[TeamMember]:
    """The team's filled seats in template order."""
    return list(observation.team.select_related("seat", "user").order_by("seat__order", "seat__id"))


def household_observations(*, user, observation: Observation) -> list[Observation]:
    """Other visible observations of people in the same household (family members linked)."""
    if not observation.household_id:
        return []
    return list(
        observation_list(user=user)
        .filter(household_id=observation.household_id)
        .exclude(pk=observation.pk)
        .order_by("person__name", "id")
    )
