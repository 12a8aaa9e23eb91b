"""Party API shapes: liaison groups and cadre observations. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

import datetime as dt
from uuid import UUID

from ninja import Schema

from bastion.party.api.schemas.organizations import OrganizationRef


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
