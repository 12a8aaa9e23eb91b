"""API shapes of the person registry. Identifiers appear masked only."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from ninja import Schema

from bastion.core.schemas import ObjectIn


class HouseholdRef(Schema):
    public_id: UUID
    label: str


class _InGrid(Schema):
    grid_code: str | None
    grid_name: str | None

    @staticmethod
    def resolve_grid_code(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_grid_name(obj) -> str | None:
        return obj.region.name if obj.region_id else None


class PersonOut(_InGrid):
    public_id: UUID
    name: str
    gender: str
    birth_date: dt.date | None
    id_number_masked: str
    phone_masked: str
    household: HouseholdRef | None
    relation_to_head: str
    address_text: str
    tags: list[str]

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


class PersonSearchIn(ObjectIn):
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


class PeopleConflictOut(Schema):
    field: str
    existing: Any = None
    incoming: Any = None


class PersonRegisterOut(Schema):
    person: PersonOut
    created: bool
    conflicts: list[PeopleConflictOut]


class DuplicateSide(_InGrid):
    public_id: UUID
    name: str
    phone_masked: str
    household: str | None

    @staticmethod
    def resolve_household(obj) -> str | None:
        return obj.household.label if obj.household_id else None


class DuplicateOut(Schema):
    """A provisional record and the record on file with the same ID number."""

    public_id: UUID  # the provisional record's
    id_number_masked: str
    created_at: dt.datetime
    provisional: DuplicateSide
    on_file: DuplicateSide

    @staticmethod
    def resolve_provisional(obj):
        return obj

    @staticmethod
    def resolve_on_file(obj):
        return obj.duplicate_of


class DuplicateMergeIn(Schema):
    keep: Literal["new", "original"]
