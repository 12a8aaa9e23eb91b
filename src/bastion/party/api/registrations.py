"""Community registration (报到): staff list, offline entry, decide, renew, withdraw;
the member's own registration under /me.

No `from __future__ import annotations`: ninja and @paginate read the runtime annotations.
"""

from uuid import UUID

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_path
from bastion.core.pagination import PageNumberPagination
from bastion.geo.models import Level, Region
from bastion.party import selectors as sel
from bastion.party import services
from bastion.party.api.common import api_user
from bastion.party.api.schemas import (
    MemberOut,
    OfflineRegistrationIn,
    PartyDecideIn,
    PartyNoteIn,
    RegistrationDetailOut,
    RegistrationIn,
    RegistrationOut,
    RenewalOut,
    RenewIn,
)
from bastion.party.models import RegistrationChannel, RegistrationStatus

router = Router(tags=["party"])
COMMUNITY_LEVELS = [Level.COMMUNITY, Level.VILLAGE]


def _community(code: str, *, user=None) -> Region:
    qs = Region.objects.filter(code=(code or "").strip(), level__in=COMMUNITY_LEVELS)
    if user is not None:
        qs = restrict_by_path(qs, user, Perm.REGISTRATION_CONFIRM)
    community = qs.first()
    if community is None:
        raise Http404
    return community


@router.get("/registrations", response=list[RegistrationOut])
@paginate(PageNumberPagination, page_size=50)
def list_registrations(request, state: str = ""):
    """Registrations the caller sees; `state`: pending, in_force, lapsed, rejected, withdrawn."""
    qs = sel.registration_list(user=api_user(request))
    today = timezone.localdate()
    if state == "pending":
        qs = qs.filter(status=RegistrationStatus.PENDING)
    elif state == "in_force":
        qs = qs.filter(sel.registration_live_q(today))
    elif state == "lapsed":
        qs = qs.filter(status=RegistrationStatus.CONFIRMED, valid_until__lt=today)
    elif state in (RegistrationStatus.REJECTED, RegistrationStatus.WITHDRAWN):
        qs = qs.filter(status=state)
    return qs


@router.post("/registrations", response={201: RegistrationDetailOut})
def create_registration(request, payload: OfflineRegistrationIn):
    """Community staff enter a member's registration (offline channel)."""
    user = api_user(request)
    member = sel.member_get(user=user, public_id=payload.member)
    registration = services.registration_submit(
        actor=user,
        member=member,
        community=_community(payload.community, user=user),
        channel=RegistrationChannel.OFFLINE,
        skills=payload.skills,
        availability=payload.availability,
        service_wishes=payload.service_wishes,
    )
    return Status(201, sel.registration_get(user=user, public_id=registration.public_id))


@router.get("/registrations/{public_id}", response=RegistrationDetailOut)
def get_registration(request, public_id: UUID):
    return sel.registration_get(user=api_user(request), public_id=public_id)


@router.post("/registrations/{public_id}/decide", response=RegistrationDetailOut)
def decide_registration(request, public_id: UUID, payload: PartyDecideIn):
    user = api_user(request)
    registration = sel.registration_get(user=user, public_id=public_id)
    services.registration_decide(
        actor=user,
        registration=registration,
        confirm=payload.confirm,
        valid_until=payload.valid_until,
        note=payload.note,
    )
    return sel.registration_get(user=user, public_id=public_id)


@router.post("/registrations/{public_id}/renew", response=RegistrationDetailOut)
def renew_registration(request, public_id: UUID, payload: RenewIn):
    """Community staff renew (confirming the member's pending request if any)."""
    user = api_user(request)
    registration = sel.registration_get(user=user, public_id=public_id)
    services.registration_renew(
        actor=user, registration=registration, valid_until=payload.valid_until, note=payload.note
    )
    return sel.registration_get(user=user, public_id=public_id)


@router.post("/registrations/{public_id}/withdraw", response=RegistrationDetailOut)
def withdraw_registration(request, public_id: UUID, payload: PartyNoteIn):
    user = api_user(request)
    registration = sel.registration_get(user=user, public_id=public_id)
    services.registration_withdraw(actor=user, registration=registration, note=payload.note)
    return sel.registration_get(user=user, public_id=public_id)


@router.post("/renewals/{public_id}/reject", response=RenewalOut)
def reject_renewal(request, public_id: UUID, payload: PartyNoteIn):
    user = api_user(request)
    renewal = sel.renewal_get(user=user, public_id=public_id)
    return services.registration_renewal_reject(actor=user, renewal=renewal, note=payload.note)


# --- The member's own ---------------------------------------------------------------------------


class MyMembershipOut(Schema):
    member: MemberOut
    registration: RegistrationDetailOut | None


def _me(request):
    member = sel.member_of_user(api_user(request))
    if member is None:
        raise Http404
    return member


@router.get("/me", response=MyMembershipOut)
def me(request):
    """The caller's own membership and live registration (404 for a login that is not
    linked to a member)."""
    member = _me(request)
    return {"member": member, "registration": sel.member_live_registration(member)}


@router.post("/me/registration", response={201: RegistrationDetailOut})
def register_myself(request, payload: RegistrationIn):
    """Register online at the community where the member lives."""
    member = _me(request)
    registration = services.registration_submit(
        actor=api_user(request),
        member=member,
        community=_community(payload.community),
        channel=RegistrationChannel.ONLINE,
        skills=payload.skills,
        availability=payload.availability,
        service_wishes=payload.service_wishes,
    )
    return Status(201, registration)


@router.post("/me/registration/renew", response={201: RenewalOut})
def ask_renewal(request, payload: PartyNoteIn):
    member = _me(request)
    registration = sel.member_live_registration(member)
    if registration is None:
        raise Http404
    renewal = services.registration_renew_request(
        actor=api_user(request), registration=registration, note=payload.note
    )
    return Status(201, renewal)


@router.post("/me/registration/withdraw", response=RegistrationDetailOut)
def withdraw_mine(request, payload: PartyNoteIn):
    member = _me(request)
    registration = sel.member_live_registration(member)
    if registration is None:
        raise Http404
    return services.registration_withdraw(
        actor=api_user(request), registration=registration, note=payload.note
    )
