"""API shapes of meetings and their decisions. No `from __future__ import annotations`:
ninja builds models from runtime annotations."""

import datetime as dt
from uuid import UUID

from ninja import Schema


class DecisionIn(Schema):
    text: str
    owner: str = ""
    due_on: dt.date | None = None


class DecisionOut(Schema):
    public_id: UUID
    number: int
    text: str
    owner: str
    due_on: dt.date | None


class MeetingIn(Schema):
    issuer: str
    kind: str
    title: str
    held_at: dt.datetime
    place: str = ""
    chair: str = ""
    attendees: str = ""
    summary: str = ""
    decisions: list[DecisionIn] = []


class MeetingOut(Schema):
    public_id: UUID
    kind: str
    title: str
    held_at: dt.datetime
    place: str
    chair: str
    issuer_key: str
    issuer_name: str
    attendee_count: int


class MeetingDetailOut(MeetingOut):
    attendees: str
    summary: str
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_decisions(obj) -> list:
        return list(obj.decisions.order_by("number"))
