"""API shapes of the party app. People appear with masked identifiers only.

No `from __future__ import annotations`: ninja builds models from runtime annotations.
"""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from ninja import Schema

from bastion.core.schemas import ObjectIn

CENT = Decimal("0.01")

# --- Organizations ---------------------------------------------------------------------------


class OrganizationRef(Schema):
    public_id: UUID
    code: str
    name: str


class OrganizationOut(Schema):
    public_id: UUID
    code: str
    name: str
    tier: str
    sector: str
    parent: OrganizationRef | None
    path: str
    region_code: str | None
    region_name: str | None
    secretary: str
    site_kind: str
    site_name: str
    purpose: str
    opened_on: dt.date | None
    closed_on: dt.date | None
    registration_target: int | None

    @staticmethod
    def resolve_region_code(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_region_name(obj) -> str | None:
        return obj.region.name if obj.region_id else None


class OrganizationIn(Schema):
    parent: UUID
    code: str
    name: str
    tier: str
    sector: str
    region: str = ""
    secretary: str = ""
    site_kind: str = ""
    site_name: str = ""
    purpose: str = ""
    opened_on: dt.date | None = None


class OrganizationPatchIn(Schema):
    name: str | None = None
    sector: str | None = None
    region: str | None = None
    secretary: str | None = None
    site_kind: str | None = None
    site_name: str | None = None
    purpose: str | None = None
    opened_on: dt.date | None = None


class CloseIn(Schema):
    closed_on: dt.date
    reason: str = ""


class TargetIn(Schema):
    target: int | None


class RateOut(Schema):
    organization: OrganizationRef
    employed: int
    registered: int
    rate: float | None
    target: int | None
    meets_target: bool | None


class RatesOut(Schema):
    rate: RateOut
    children: list[RateOut]


class OfficerOut(Schema):
    public_id: UUID
    username: str
    full_name: str
    active: bool
    granted_at: dt.datetime

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.user.full_name

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.user.is_active

    @staticmethod
    def resolve_granted_at(obj) -> dt.datetime:
        return obj.created_at


class OfficerIn(Schema):
    username: str
    full_name: str = ""
    create_account: bool = False


class OfficerCreatedOut(Schema):
    officer: OfficerOut
    password: str | None


# --- Members ---------------------------------------------------------------------------------


class PartyPersonRef(Schema):
    public_id: UUID
    name: str
    gender: str
    id_number_masked: str
    phone_masked: str


class MemberOut(Schema):
    public_id: UUID
    person: PartyPersonRef
    organization: OrganizationRef
    status: str
    joined_party_on: dt.date | None
    occupation: str
    employer: str
    is_employed: bool
    is_medical_worker: bool
    is_cadre: bool
    has_login: bool

    @staticmethod
    def resolve_has_login(obj) -> bool:
        return obj.user_id is not None


class MembershipOut(Schema):
    organization: OrganizationRef
    started_on: dt.date
    ended_on: dt.date | None
    reason: str


class MemberDetailOut(MemberOut):
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj) -> list:
        return list(obj.memberships.select_related("organization").order_by("started_on", "id"))


class MemberSearchIn(ObjectIn):
    q: str = ""
    organization: str = ""
    status: str = ""
    flag: str = ""


class MemberIn(Schema):
    name: str
    id_number: str
    phone: str = ""
    grid: str = ""
    organization: str
    status: str = "full"
    joined_party_on: dt.date | None = None
    occupation: str = ""
    employer: str = ""
    is_employed: bool = False
    is_medical_worker: bool = False
    is_cadre: bool = False


class MemberPatchIn(Schema):
    status: str | None = None
    joined_party_on: dt.date | None = None
    occupation: str | None = None
    employer: str | None = None
    is_employed: bool | None = None
    is_medical_worker: bool | None = None
    is_cadre: bool | None = None


class TransferIn(Schema):
    to: str
    on: dt.date
    reason: str = ""


class AccountIn(Schema):
    username: str


class AccountOut(Schema):
    username: str
    password: str


class ServiceEntryIn(Schema):
    community: str
    served_on: dt.date
    hours: Decimal
    description: str
    corrects: UUID | None = None


class ServiceEntryOut(Schema):
    public_id: UUID
    served_on: dt.date
    hours: Decimal
    description: str
    community_code: str | None
    source: str
    corrects: UUID | None

    @staticmethod
    def resolve_community_code(obj) -> str | None:
        return obj.community.code if obj.community_id else None

    @staticmethod
    def resolve_corrects(obj) -> UUID | None:
        return obj.corrects.public_id if obj.corrects_id else None


class ServiceCardOut(Schema):
    member: UUID
    year: int
    quarter: int
    hours: Decimal
    days: int
    registration_community: str | None
    entries: list[ServiceEntryOut]


class ServiceTotalOut(Schema):
    member: UUID
    name: str
    organization: str
    hours: Decimal
    entries: int
    days: int


class SecondmentOut(Schema):
    public_id: UUID
    member: UUID
    member_name: str
    branch: OrganizationRef
    duty: str
    started_on: dt.date
    ended_on: dt.date | None

    @staticmethod
    def resolve_member(obj) -> UUID:
        return obj.member.public_id

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.person.name


class SecondmentIn(Schema):
    member: UUID
    duty: str = ""
    started_on: dt.date | None = None


class PartyEndIn(Schema):
    ended_on: dt.date


# --- Registrations ---------------------------------------------------------------------------


class RenewalOut(Schema):
    public_id: UUID
    channel: str
    status: str
    previous_valid_until: dt.date | None
    valid_until: dt.date | None
    note: str
    requested_at: dt.datetime


class RegistrationOut(Schema):
    public_id: UUID
    member: UUID
    member_name: str
    community_code: str
    community_name: str
    channel: str
    status: str
    state: str
    skills: list[str]
    availability: str
    service_wishes: str
    valid_until: dt.date | None
    decided_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_member(obj) -> UUID:
        return obj.member.public_id

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.person.name

    @staticmethod
    def resolve_community_code(obj) -> str:
        return obj.community.code

    @staticmethod
    def resolve_community_name(obj) -> str:
        return obj.community.name

    @staticmethod
    def resolve_state(obj) -> str:
        from bastion.party.selectors import registration_state

        return registration_state(obj)


class RegistrationDetailOut(RegistrationOut):
    renewals: list[RenewalOut]

    @staticmethod
    def resolve_renewals(obj) -> list:
        return list(obj.renewals.all())


class RegistrationIn(Schema):
    community: str
    skills: list[str] = []
    availability: str = ""
    service_wishes: str = ""


class OfflineRegistrationIn(RegistrationIn):
    member: UUID


class PartyDecideIn(Schema):
    confirm: bool
    valid_until: dt.date | None = None
    note: str = ""


class RenewIn(Schema):
    valid_until: dt.date | None = None
    note: str = ""


class PartyNoteIn(Schema):
    note: str = ""


# --- Teams, zones, posts -----------------------------------------------------------------------


class TeamOut(Schema):
    public_id: UUID
    kind: str
    name: str
    organization: OrganizationRef
    region_code: str | None
    purpose: str
    leader: UUID | None
    formed_on: dt.date | None
    disbanded_on: dt.date | None

    @staticmethod
    def resolve_region_code(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_leader(obj) -> UUID | None:
        return obj.leader.public_id if obj.leader_id else None


class PartySeatOut(Schema):
    person: UUID
    person_name: str
    member: UUID | None
    role: str
    joined_on: dt.date | None

    @staticmethod
    def resolve_person(obj) -> UUID:
        return obj.person.public_id

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_member(obj) -> UUID | None:
        return obj.member.public_id if obj.member_id else None


class TeamDetailOut(TeamOut):
    members: list[PartySeatOut]

    @staticmethod
    def resolve_members(obj) -> list:
        from bastion.party.selectors import team_seats

        return list(team_seats(obj))


class PartyTeamIn(Schema):
    organization: str
    kind: str
    name: str
    region: str = ""
    purpose: str = ""
    leader: UUID | None = None
    formed_on: dt.date | None = None


class TeamPatchIn(Schema):
    kind: str | None = None
    name: str | None = None
    region: str | None = None
    purpose: str | None = None
    leader: UUID | None = None


class SeatIn(Schema):
    member: UUID
    role: str = ""


class DisbandIn(Schema):
    on: dt.date


class AnsweredOut(Schema):
    public_id: UUID
    name: str
    organization: OrganizationRef
    member: UUID
    member_name: str
    region_code: str | None
    place: str
    duties: str
    started_on: dt.date
    ended_on: dt.date | None

    @staticmethod
    def resolve_member(obj) -> UUID:
        return obj.member.public_id

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.person.name

    @staticmethod
    def resolve_region_code(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_place(obj) -> str:
        return getattr(obj, "area", None) or getattr(obj, "site", "")


class AnsweredIn(Schema):
    organization: str
    member: UUID
    name: str
    place: str = ""
    region: str = ""
    duties: str = ""
    started_on: dt.date | None = None


class ReassignIn(Schema):
    member: UUID
    reason: str = ""


# --- Liaison groups and cadre observations ----------------------------------------------------


class LiaisonGroupOut(Schema):
    public_id: UUID
    number: int
    name: str
    leader: str
    members_text: str
    focus: str
    formed_on: dt.date
    units: list[OrganizationRef]

    @staticmethod
    def resolve_units(obj) -> list:
        return [p.unit for p in obj.pairings.all() if p.ended_on is None]


class LiaisonGroupIn(Schema):
    organization: str
    number: int
    name: str = ""
    leader: str = ""
    members_text: str = ""
    focus: str = ""
    formed_on: dt.date | None = None


class UnitIn(Schema):
    unit: str


class PartyVisitOut(Schema):
    public_id: UUID
    group: UUID
    unit: OrganizationRef
    visited_on: dt.date
    participants: str
    findings: str
    follow_up: str
    attachments: int

    @staticmethod
    def resolve_group(obj) -> UUID:
        return obj.group.public_id

    @staticmethod
    def resolve_attachments(obj) -> int:
        return len(obj.attachments.all())


class CadreObservationOut(Schema):
    public_id: UUID
    cadre_name: str
    position: str
    unit: OrganizationRef
    group: UUID | None
    observed_on: dt.date
    situation: str
    performance: str
    rating: str
    evidence: int

    @staticmethod
    def resolve_group(obj) -> UUID | None:
        return obj.group.public_id if obj.group_id else None

    @staticmethod
    def resolve_evidence(obj) -> int:
        return len(obj.evidence.all())


# --- Calls ---------------------------------------------------------------------------------------


class CallOut(Schema):
    public_id: UUID
    organization: OrganizationRef
    title: str
    body: str
    audience: str
    respond_by: dt.date | None
    sent_at: dt.datetime
    closed_at: dt.datetime | None
    recipients: int
    seen: int
    answered: int
    acted: int

    @staticmethod
    def resolve_recipients(obj) -> int:
        return obj.recipient_total

    @staticmethod
    def resolve_seen(obj) -> int:
        return obj.seen_total

    @staticmethod
    def resolve_answered(obj) -> int:
        return obj.answered_total

    @staticmethod
    def resolve_acted(obj) -> int:
        return obj.acted_total


class CountsOut(Schema):
    recipients: int
    seen: int
    answered: int
    acted: int
    people: int
    response_rate: float | None


class CallDetailOut(Schema):
    call: CallOut
    counts: CountsOut


class CallIn(Schema):
    organization: str
    title: str
    body: str
    audience: str
    respond_by: dt.date | None = None


class RecipientOut(Schema):
    key: str
    kind: str
    organization: OrganizationRef | None
    member: UUID | None
    label: str
    state: str
    answer: str
    action: str
    people_count: int | None
    seen_at: dt.datetime | None
    answered_at: dt.datetime | None
    acted_at: dt.datetime | None

    @staticmethod
    def resolve_kind(obj) -> str:
        return "organization" if obj.organization_id else "member"

    @staticmethod
    def resolve_member(obj) -> UUID | None:
        return obj.member.public_id if obj.member_id else None


class RespondIn(Schema):
    answer: str = ""
    acted: bool = False
    action: str = ""
    people_count: int | None = None


# --- Fees -----------------------------------------------------------------------------------------


class FeeEntryOut(Schema):
    public_id: UUID
    kind: str
    amount: Decimal
    balance_after: Decimal
    occurred_on: dt.date
    description: str
    has_receipt: bool
    corrects: UUID | None
    recorded_at: dt.datetime

    @staticmethod
    def resolve_has_receipt(obj) -> bool:
        return obj.receipt_id is not None

    @staticmethod
    def resolve_corrects(obj) -> UUID | None:
        return obj.corrects.public_id if obj.corrects_id else None


class FeeGrantOut(Schema):
    public_id: UUID
    organization: OrganizationRef
    grantor: OrganizationRef
    purpose: str
    document_no: str
    granted_on: dt.date
    granted: Decimal
    spent: Decimal
    balance: Decimal

    @staticmethod
    def resolve_granted(obj) -> Decimal:
        return Decimal(obj.granted).quantize(CENT)

    @staticmethod
    def resolve_spent(obj) -> Decimal:
        return (-Decimal(obj.spent_signed)).quantize(CENT)

    @staticmethod
    def resolve_balance(obj) -> Decimal:
        return Decimal(obj.balance).quantize(CENT)


class FeeGrantDetailOut(FeeGrantOut):
    entries: list[FeeEntryOut]

    @staticmethod
    def resolve_entries(obj) -> list:
        from bastion.party.selectors import fee_entries

        return list(fee_entries(obj))


class FeeGrantIn(Schema):
    grantor: str
    organization: str
    amount: str
    purpose: str
    document_no: str = ""
    granted_on: dt.date | None = None


class PartyReasonIn(Schema):
    reason: str


class AdjustIn(Schema):
    delta: str
    reason: str


# --- Exemplars ----------------------------------------------------------------------------------


class ExemplarOut(Schema):
    public_id: UUID
    kind: str
    subject_name: str
    title: str
    deed: str
    nominating_org: OrganizationRef
    status: str
    review_note: str
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    has_photo: bool
    public: bool

    @staticmethod
    def resolve_has_photo(obj) -> bool:
        return obj.photo_id is not None

    @staticmethod
    def resolve_public(obj) -> bool:
        return obj.is_public


class ReviewIn(Schema):
    approve: bool
    note: str = ""


class ImportOut(Schema):
    committed: bool
    dry_run: bool
    report: dict
