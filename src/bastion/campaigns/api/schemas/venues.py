"""API shapes of venues and their kinds, inspections, commitment letters, check-ins and
traces. No `from __future__ import annotations`: ninja reads the annotations at runtime."""

import datetime as dt
from uuid import UUID

from ninja import Schema
from pydantic import Field

from bastion.core.schemas import IsoDateTime


class VenueKindOut(Schema):
    public_id: UUID
    code: str
    name_zh: str
    name_en: str
    checklist: list[str]
    order: int
    active: bool


class VenueKindIn(Schema):
    code: str = Field(max_length=30)
    name_zh: str = Field(max_length=40)
    name_en: str = Field("", max_length=60)
    checklist: list[str] = Field(default_factory=list, max_length=30)
    order: int = Field(100, ge=0, le=999)
    active: bool = True


class VenueKindPatchIn(Schema):
    name_zh: str | None = Field(None, max_length=40)
    name_en: str | None = Field(None, max_length=60)
    checklist: list[str] | None = Field(None, max_length=30)
    order: int | None = Field(None, ge=0, le=999)
    active: bool | None = None


class VenueOut(Schema):
    public_id: UUID
    kind: str
    name: str
    address: str
    grid_code: str
    grid_name: str
    responsible_name: str
    contact_phone_masked: str
    closed_at: dt.datetime | None
    last_result: str | None = None
    last_inspected_at: IsoDateTime | None = None
    rectify_by: dt.date | None = None
    commitment_signed: bool = False

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_grid_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_grid_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_commitment_signed(obj) -> bool:
        return bool(getattr(obj, "letters", 0))


class VenueIn(Schema):
    kind: str
    name: str = Field(max_length=100)
    grid: str
    address: str = Field("", max_length=200)
    responsible_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=20)


class VenuePatchIn(Schema):
    kind: str | None = None
    name: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=200)
    responsible_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=20)


class CheckinCodeOut(Schema):
    url: str


class InspectionIn(Schema):
    result: str
    passed_items: list[str] = Field(default_factory=list, max_length=30)
    rectify_by: dt.date | None = None
    note: str = Field("", max_length=500)
    follows: UUID | None = None
    inspected_at: IsoDateTime | None = None


class ChecklistRowOut(Schema):
    item: str
    ok: bool


class InspectionOut(Schema):
    public_id: UUID
    venue: UUID
    inspected_at: dt.datetime
    result: str
    rectify_by: dt.date | None
    checklist: list[ChecklistRowOut]
    note: str
    follows: UUID | None
    incident_ref: str
    photos: int
    inspector: str
    warnings: list[str] = Field(default_factory=list)

    @staticmethod
    def resolve_venue(obj) -> UUID:
        return obj.venue.public_id

    @staticmethod
    def resolve_follows(obj) -> UUID | None:
        return obj.follows.public_id if obj.follows_id else None

    @staticmethod
    def resolve_photos(obj) -> int:
        return len(obj.photos.all())

    @staticmethod
    def resolve_inspector(obj) -> str:
        return obj.inspector.username if obj.inspector_id else ""


class CommitmentOut(Schema):
    public_id: UUID
    venue: UUID
    signed_by: str
    signer_role: str
    signed_on: dt.date
    has_scan: bool
    withdrawn_at: dt.datetime | None
    withdrawn_reason: str

    @staticmethod
    def resolve_venue(obj) -> UUID:
        return obj.venue.public_id

    @staticmethod
    def resolve_has_scan(obj) -> bool:
        return obj.scan_id is not None


class TraceIn(Schema):
    window_start: dt.datetime
    window_end: dt.datetime
    case_ref: str = Field("", max_length=60)
    purpose: str = Field("", max_length=300)


class TraceOut(Schema):
    public_id: UUID
    venue: UUID
    window_start: dt.datetime
    window_end: dt.datetime
    case_ref: str
    purpose: str
    requested_at: dt.datetime
    result_count: int

    @staticmethod
    def resolve_venue(obj) -> UUID:
        return obj.venue.public_id


class CheckInOut(Schema):
    public_id: UUID
    at: dt.datetime
    name_masked: str
    phone_masked: str
    on_registry: bool

    @staticmethod
    def resolve_on_registry(obj) -> bool:
        return obj.person_id is not None


class CampaignsRevealIn(Schema):
    field: str
    reason: str = Field("", max_length=300)


class CampaignsRevealOut(Schema):
    value: str
