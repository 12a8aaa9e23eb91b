"""Party API shapes: teams, zones, posts. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

import datetime as dt
from uuid import UUID

from ninja import Schema

from bastion.party.api.schemas.organizations import OrganizationRef


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
