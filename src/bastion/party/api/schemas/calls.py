"""Party API shapes: calls. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

import datetime as dt
from uuid import UUID

from ninja import Schema

from bastion.party.api.schemas.organizations import OrganizationRef


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
