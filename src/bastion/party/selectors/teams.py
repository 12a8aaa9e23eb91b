"""Scoped reads of teams, responsibility zones and vanguard posts."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_org_or_region
from bastion.party.models import ResponsibilityZone, Team, TeamMember, VanguardPost
from bastion.party.selectors.common import get_or_404, search_text, signed_in


def team_list(*, user, perm: str = Perm.PARTY_VIEW) -> QuerySet[Team]:
    if not signed_in(user):
        return Team.objects.none()
    return restrict_by_org_or_region(Team.objects.all(), user, perm).select_related(
        "organization", "region", "leader__person"
    )


def team_get(*, user, public_id, perm: str = Perm.PARTY_VIEW) -> Team:
    return get_or_404(team_list(user=user, perm=perm), public_id)


def team_search(*, user, q: str = "", kind: str = "", active: bool = True) -> QuerySet[Team]:
    qs = team_list(user=user)
    q = search_text(q)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(organization__name__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if active:
        qs = qs.filter(disbanded_on__isnull=True)
    return qs.annotate(
        size=Count("members", filter=Q(members__left_on__isnull=True), distinct=True)
    ).order_by("org_path", "name", "id")


def team_seats(team: Team) -> QuerySet[TeamMember]:
    """Current members of a team (opened through `team_get`)."""
    return team.members.filter(left_on__isnull=True).select_related(
        "person", "member__organization"
    )


def team_seat_get(*, team: Team, person_id) -> TeamMember:
    """The current seat of a person (by the person's public id) in a team; Http404 otherwise."""
    from django.http import Http404

    seat = (
        team.members.filter(person__public_id=person_id, left_on__isnull=True)
        .select_related("person")
        .first()
    )
    if seat is None:
        raise Http404
    return seat


def _answered_list(model, user) -> QuerySet:
    if not signed_in(user):
        return model.objects.none()
    return restrict_by_org_or_region(model.objects.all(), user, Perm.PARTY_VIEW).select_related(
        "organization", "member__person", "region"
    )


def zone_list(*, user, active: bool = True) -> QuerySet[ResponsibilityZone]:
    qs = _answered_list(ResponsibilityZone, user)
    return qs.filter(ended_on__isnull=True) if active else qs


def zone_get(*, user, public_id) -> ResponsibilityZone:
    return get_or_404(_answered_list(ResponsibilityZone, user), public_id)


def post_list(*, user, active: bool = True) -> QuerySet[VanguardPost]:
    qs = _answered_list(VanguardPost, user)
    return qs.filter(ended_on__isnull=True) if active else qs


def post_get(*, user, public_id) -> VanguardPost:
    return get_or_404(_answered_list(VanguardPost, user), public_id)
