"""API shapes of the person registry. Identifiers appear masked only."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Schema


class HouseholdRef(Schema):
    public_id: UUID
    label: str


class PersonOut(Schema):
    public_id: UUID
    name: str
    gender: str
    birth_date: dt.date | None
    id_number_masked: str
    phone_masked: str
    grid_code: str | None
    grid_name: str | None
    household: HouseholdRef | None
    relation_to_head: str
    address_text: str
    tags: list[str]

    @staticmethod
    def resolve_grid_code(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_grid_name(obj) -> str | None:
        return obj.region.name if obj.region_id else None

    @staticmethod
    def resolve_household(obj):
        return obj.household if obj.household_id else None

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [t.code for t in obj.tags.all()]  # prefetched by the selector


class PersonIn(Schema):
    name: str
    id_number: str
    phone: str = ""
    gender: str = ""
    birth_date: dt.date | None = None
    grid: str | None = None  # the grid's code
    household_label: str = ""
    relation_to_head: str = ""
    address_text: str = ""
    tags: list[str] = []


class PersonSearchIn(Schema):
    """POST /people/search: the search text travels in the body, never in a URL."""

    q: str = ""
    region: str | None = None
    household: str | None = None
    tag: str | None = None


class PersonPatchIn(Schema):
    name: str | None = None
    phone: str | None = None
    grid: str | None = None
    household_label: str | None = None
    relation_to_head: str | None = None
    address_text: str | None = None
    tags: list[str] | None = None


class ConflictOut(Schema):
    field: str
    existing: Any = None
    incoming: Any = None


class PersonRegisterOut(Schema):
    person: PersonOut | None  # None when the merged record lies outside the caller's scope
    created: bool
    conflicts: list[ConflictOut]
