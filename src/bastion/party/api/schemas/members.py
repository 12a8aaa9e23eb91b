"""Party API shapes: members. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from ninja import Schema

from bastion.core.schemas import ObjectIn
from bastion.party.api.schemas.organizations import OrganizationRef


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


class ImportOut(Schema):
    """A member import's answer: dry run or committed, and its report."""

    committed: bool
    dry_run: bool
    report: dict
