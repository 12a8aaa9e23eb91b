"""Members: list and search (masked), enroll, read with history, edit, transfer, login,
service record, import.

No `from __future__ import annotations`: ninja and @paginate read the runtime annotations.
"""

from uuid import UUID

from django.http import Http404, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.core.importing import ImportMode
from bastion.core.pagination import PageNumberPagination
from bastion.geo.models import Level
from bastion.party import selectors as sel
from bastion.party import services
from bastion.party.api.common import api_user, refuse_identifier_in_url
from bastion.party.api.schemas import (
    AccountIn,
    AccountOut,
    ImportOut,
    MemberDetailOut,
    MemberIn,
    MemberOut,
    MemberPatchIn,
    MemberSearchIn,
    ServiceCardOut,
    ServiceEntryIn,
    ServiceEntryOut,
    TransferIn,
)
from bastion.party.models import ServiceRecordEntry
from bastion.party.pickers import pick_organization, pick_region
from bastion.party.services.common import require
from bastion.people.services import PersonInput

router = Router(tags=["party"])


def _members(user, *, q: str, organization: str, status: str, flag: str):
    org = pick_organization(user, organization) if organization else None
    return sel.member_search(user=user, q=q, organization=org, status=status, flag=flag)


@router.get("/members", response=list[MemberOut])
@paginate(PageNumberPagination, page_size=50)
def list_members(request, q: str = "", organization: str = "", status: str = "", flag: str = ""):
    """Members the caller sees (masked): `organization` is a code (its subtree), `flag`
    employed / medical / cadre. ID and phone numbers: POST /party/members/search."""
    refuse_identifier_in_url(q, endpoint="/api/v1/party/members/search")
    return _members(api_user(request), q=q, organization=organization, status=status, flag=flag)


@router.post("/members/search", response=list[MemberOut])
@paginate(PageNumberPagination, page_size=50)
def search_members(request, payload: MemberSearchIn):
    """Like GET /members with the filters in the body: `q` may be an ID or phone number."""
    return _members(api_user(request), **payload.dict())


@router.post("/members", response={201: MemberDetailOut})
def create_member(request, payload: MemberIn):
    """Register (or merge) the person in the people registry and enroll them."""
    user = api_user(request)
    org = pick_organization(user, payload.organization, perm=Perm.PARTY_MANAGE)
    member = services.member_register(
        actor=user,
        person_data=PersonInput(
            name=payload.name,
            id_number=payload.id_number,
            phone=payload.phone,
            grid=pick_region(payload.grid, field="grid", levels=[Level.GRID]),
        ),
        organization=org,
        **payload.dict(
            include={
                "status",
                "joined_party_on",
                "occupation",
                "employer",
                "is_employed",
                "is_medical_worker",
                "is_cadre",
            }
        ),
    )
    return Status(201, sel.member_get(user=user, public_id=member.public_id))


@router.post("/members/import", response=ImportOut)
def import_members(
    request,
    file: UploadedFile = File(...),  # noqa: B008 - ninja's declaration style
    organization: str = Form(""),  # noqa: B008 - default organization code for rows without one
    dry_run: bool = Form(True),  # noqa: B008
    valid_rows: bool = Form(False),  # noqa: B008 - import the valid rows, reject the rest
):
    """`dry_run=true` (default) reports what would be enrolled, skipped and rejected;
    `dry_run=false` imports (all or nothing unless `valid_rows=true`)."""
    user = api_user(request)
    default = (
        pick_organization(user, organization, perm=Perm.PARTY_MANAGE) if organization else None
    )
    if not services.memberimport.may_import(user, default):
        raise Http404
    report = services.member_import(
        actor=user,
        source=file,
        filename=file.name or "members.xlsx",
        dry_run=dry_run,
        mode=ImportMode.VALID_ROWS if valid_rows else ImportMode.ALL_OR_NOTHING,
        default_organization=default,
    )
    return {"committed": report.committed, "dry_run": dry_run, "report": report.as_dict()}


@router.get("/members/{public_id}", response=MemberDetailOut)
def get_member(request, public_id: UUID):
    return sel.member_get(user=api_user(request), public_id=public_id)


@router.patch("/members/{public_id}", response=MemberDetailOut)
def update_member(request, public_id: UUID, payload: MemberPatchIn):
    user = api_user(request)
    member = sel.member_get(user=user, public_id=public_id)
    services.member_update(actor=user, member=member, changes=payload.dict(exclude_unset=True))
    return sel.member_get(user=user, public_id=public_id)


@router.post("/members/{public_id}/transfer", response=MemberDetailOut)
def transfer_member(request, public_id: UUID, payload: TransferIn):
    user = api_user(request)
    member = sel.member_get(user=user, public_id=public_id)
    # The role first: a caller who may only read the member gets 403, not a refusal of "to".
    require(user, Perm.PARTY_MANAGE, org_path=member.org_path, region_path=member.region_path)
    to = pick_organization(user, payload.to, field="to", perm=Perm.PARTY_MANAGE)
    services.member_transfer(actor=user, member=member, to=to, on=payload.on, reason=payload.reason)
    return sel.member_get(user=user, public_id=public_id)


@router.post("/members/{public_id}/account", response={201: AccountOut})
def create_account(request, response: HttpResponse, public_id: UUID, payload: AccountIn):
    """The member's own login; the password is returned once (`no-store`)."""
    user = api_user(request)
    response["Cache-Control"] = "no-store"
    member = sel.member_get(user=user, public_id=public_id)
    login, password = services.member_account_create(
        actor=user, member=member, username=payload.username
    )
    return Status(201, {"username": login.username, "password": password})


def _card(member, year: int, quarter: int) -> dict:
    try:
        card = sel.service_card(member=member, year=year, quarter=quarter)
    except ValueError as exc:
        raise Http404 from exc
    return {
        "member": member.public_id,
        "year": year,
        "quarter": quarter,
        "hours": card.hours,
        "days": card.days,
        "registration_community": card.registration.community.code if card.registration else None,
        "entries": card.entries,
    }


@router.get("/members/{public_id}/service-card", response=ServiceCardOut)
def service_card(request, public_id: UUID, year: int, quarter: int):
    """What the member did in the community in one quarter (corrected entries replaced)."""
    return _card(sel.member_get(user=api_user(request), public_id=public_id), year, quarter)


@router.post("/members/{public_id}/service-entries", response={201: ServiceEntryOut})
def add_service_entry(request, public_id: UUID, payload: ServiceEntryIn):
    """Community staff record work done outside volunteer tasks (or correct an entry)."""
    user = api_user(request)
    member = sel.member_get(user=user, public_id=public_id)
    corrects = None
    if payload.corrects is not None:
        corrects = ServiceRecordEntry.objects.filter(
            member=member, public_id=payload.corrects
        ).first()
        if corrects is None:
            raise Http404
    entry = services.service_record_add(
        actor=user,
        member=member,
        served_on=payload.served_on,
        hours=payload.hours,
        description=payload.description,
        community=pick_region(
            payload.community, field="community", levels=[Level.COMMUNITY, Level.VILLAGE]
        ),
        corrects=corrects,
    )
    return Status(201, entry)
