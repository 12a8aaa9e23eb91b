"""Scoped reads of party members: list and search (masked), one member with history."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_org_or_region
from bastion.core.idnumber import IdNumberError, parse_id_number
from bastion.core.phone import PhoneError, parse_mobile
from bastion.party.models import Membership, MemberStatus, Organization, PartyMember
from bastion.party.selectors.common import get_or_404, search_text, signed_in
from bastion.people.identity import id_number_index, phone_index


def member_list(*, user, perm: str = Perm.PARTY_VIEW) -> QuerySet[PartyMember]:
    if not signed_in(user):
        return PartyMember.objects.none()
    return restrict_by_org_or_region(PartyMember.objects.all(), user, perm).select_related(
        "person", "organization"
    )


def member_get(*, user, public_id, perm: str = Perm.PARTY_VIEW) -> PartyMember:
    return get_or_404(member_list(user=user, perm=perm), public_id)


def member_of_user(user) -> PartyMember | None:
    """The party membership linked to this login, if any (for self-service pages)."""
    if not signed_in(user):
        return None
    return PartyMember.objects.select_related("person", "organization").filter(user=user).first()


def _person_match(text: str) -> Q:
    """A name fragment, or exactly an ID number or a mobile number (by blind index)."""
    try:
        return Q(person__id_number_index=id_number_index(parse_id_number(text).value))
    except IdNumberError:
        pass
    try:
        return Q(person__phone_index=phone_index(parse_mobile(text)))
    except PhoneError:
        return Q(person__name__icontains=text)


def member_search(
    *,
    user,
    q: str = "",
    organization: Organization | None = None,
    status: str = "",
    flag: str = "",
    perm: str = Perm.PARTY_VIEW,
) -> QuerySet[PartyMember]:
    """Visible members: `q` is a name fragment or an exact ID/phone number; optionally
    under an organization (its subtree), by status, or with a flag (employed, medical,
    cadre, registered)."""
    qs = member_list(user=user, perm=perm)
    q = search_text(q)
    if q:
        qs = qs.filter(_person_match(q))
    if organization is not None:
        qs = qs.filter(org_path__startswith=organization.path)
    if status:
        qs = qs.filter(status=status)
    elif status == "":
        qs = qs.exclude(status=MemberStatus.LEFT)
    if flag == "employed":
        qs = qs.filter(is_employed=True)
    elif flag == "medical":
        qs = qs.filter(is_medical_worker=True)
    elif flag == "cadre":
        qs = qs.filter(is_cadre=True)
    return qs


def membership_history(member: PartyMember) -> QuerySet[Membership]:
    """Every stay of the member (the caller opened the member through a selector)."""
    return member.memberships.select_related("organization", "recorded_by").order_by(
        "started_on", "id"
    )
