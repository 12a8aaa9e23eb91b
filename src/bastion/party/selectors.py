"""Scoped reads of party organizations, members, registrations and teams.

A record is visible when its organization path lies in one of the user's organization
subtrees for the permission, or its region path in one of the user's region subtrees
(`access.scoping.restrict_by_org_or_region`). Missing or out of scope: Http404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_org_or_region
from bastion.party.models import (
    CommunityRegistration,
    Organization,
    PartyMember,
    RegistrationStatus,
    Team,
)


def _get(qs: QuerySet, public_id):
    try:
        return qs.get(public_id=public_id)
    except (qs.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def organization_list(*, user, perm: str = Perm.PARTY_VIEW) -> QuerySet[Organization]:
    """Organizations the user may see (by organization tree or region tree)."""
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return restrict_by_org_or_region(
        Organization.objects.all(), user, perm, org_field="path", region_field="region_path"
    ).select_related("parent", "region")


def organization_get(*, user, public_id, perm: str = Perm.PARTY_VIEW) -> Organization:
    return _get(organization_list(user=user, perm=perm), public_id)


def member_list(*, user, perm: str = Perm.PARTY_VIEW) -> QuerySet[PartyMember]:
    if not getattr(user, "is_authenticated", False):
        return PartyMember.objects.none()
    return restrict_by_org_or_region(PartyMember.objects.all(), user, perm).select_related(
        "person", "organization"
    )


def member_get(*, user, public_id, perm: str = Perm.PARTY_VIEW) -> PartyMember:
    return _get(member_list(user=user, perm=perm), public_id)


def member_of_user(user) -> PartyMember | None:
    """The party membership linked to this login, if any (for self-service pages)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return PartyMember.objects.select_related("person", "organization").filter(user=user).first()


def team_list(*, user, perm: str = Perm.PARTY_VIEW) -> QuerySet[Team]:
    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    return restrict_by_org_or_region(Team.objects.all(), user, perm).select_related(
        "organization", "region"
    )


def team_get(*, user, public_id, perm: str = Perm.PARTY_VIEW) -> Team:
    return _get(team_list(user=user, perm=perm), public_id)


def registration_live_q(today=None) -> Q:
    """Registrations in force on `today`: confirmed and not past their renewal date."""
    today = today or timezone.localdate()
    return Q(status=RegistrationStatus.CONFIRMED) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def registration_list(*, user, perm: str = Perm.PARTY_VIEW) -> QuerySet[CommunityRegistration]:
    """Registrations the user may see: at communities in her region subtrees, or of members
    of organizations in her organization subtrees (the employer sees its members')."""
    if not getattr(user, "is_authenticated", False):
        return CommunityRegistration.objects.none()
    return restrict_by_org_or_region(
        CommunityRegistration.objects.all(), user, perm, region_field="path"
    ).select_related("member__person", "community")


def registration_get(*, user, public_id, perm: str = Perm.PARTY_VIEW) -> CommunityRegistration:
    return _get(registration_list(user=user, perm=perm), public_id)


def _ancestor_paths(path: str) -> list[str]:
    """ "a/b/c/" -> ["a/", "a/b/", "a/b/c/"]."""
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def registration_in_force_covering(*, person_id: int, region_path: str, today=None):
    """The person's registration in force at a community that contains `region_path`
    (a grid or the community itself), or None. The volunteers app asks this before a
    member claims a task there."""
    return (
        CommunityRegistration.objects.filter(
            member__person_id=person_id, path__in=_ancestor_paths(region_path)
        )
        .filter(registration_live_q(today))
        .select_related("member", "community")
        .first()
    )
