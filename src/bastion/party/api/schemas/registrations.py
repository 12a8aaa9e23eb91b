"""Party API shapes: registrations. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

import datetime as dt
from uuid import UUID

from ninja import Schema


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
