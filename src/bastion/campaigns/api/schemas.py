"""API shapes of the campaigns app. People appear with masked names only.

No `from __future__ import annotations`: ninja builds models from runtime annotations.
"""

import datetime as dt
from uuid import UUID

from ninja import Schema
from pydantic import Field

from bastion.core.schemas import IsoDateTime

# --- Campaigns and coverage ------------------------------------------------------------


class RegionRef(Schema):
    code: str
    name: str
    level: str


class CampaignOut(Schema):
    public_id: UUID
    name: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    current_round: int
    household_tag: str | None
    instructions: str
    areas: list[RegionRef]
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_status(obj) -> str:
        from bastion.campaigns.selectors.campaigns import campaign_status

        return campaign_status(obj)

    @staticmethod
    def resolve_household_tag(obj) -> str | None:
        return obj.household_tag.code if obj.household_tag_id else None

    @staticmethod
    def resolve_areas(obj) -> list[dict]:
        from bastion.campaigns.selectors.campaigns import campaign_areas

        return [
            {"code": a.region.code, "name": a.region.name, "level": a.region.level}
            for a in campaign_areas(obj)
        ]


class CampaignIn(Schema):
    name: str = Field(max_length=100)
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    regions: list[str] = Field(min_length=1, max_length=200)
    household_tag: str | None = None
    instructions: str = Field("", max_length=4000)


class CampaignPatchIn(Schema):
    name: str | None = Field(None, max_length=100)
    ends_on: dt.date | None = None
    instructions: str | None = Field(None, max_length=4000)


class NoteIn(Schema):
    note: str = Field("", max_length=300)


class RoundOut(Schema):
    number: int
    opened_at: dt.datetime
    note: str


class FiguresOut(Schema):
    households: int
    covered: int
    pending: int
    visited: int
    nobody_home: int
    refused: int
    vacant: int
    moved_out: int
    rate: float | None


class CoverageRowOut(Schema):
    region: RegionRef
    figures: FiguresOut


class CoverageOut(Schema):
    campaign: UUID
    region: RegionRef
    round: int
    as_of: dt.datetime | None
    totals: FiguresOut
    children: list[CoverageRowOut]


class HouseholdStateOut(Schema):
    public_id: UUID
    label: str
    grid_code: str
    grid_name: str
    status: str
    attempts: int
    visit: UUID | None


# --- Visits -----------------------------------------------------------------------------


class FindingIn(Schema):
    kind: str
    person: UUID | None = None
    person_name: str = Field("", max_length=60)
    origin: str = Field("", max_length=100)
    arrived_on: dt.date | None = None
    symptoms: str = Field("", max_length=200)
    note: str = Field("", max_length=300)


class MaterialQuantityIn(Schema):
    material: UUID
    quantity: int = Field(1, ge=1, le=10_000)


class VisitIn(Schema):
    household: UUID
    outcome: str
    people_present: int = Field(0, ge=0, le=99)
    findings: list[FindingIn] = Field(default_factory=list, max_length=20)
    materials: list[MaterialQuantityIn] = Field(default_factory=list, max_length=20)
    note: str = Field("", max_length=500)
    visited_at: IsoDateTime | None = None
    latitude: float | None = None
    longitude: float | None = None


class FindingOut(Schema):
    kind: str
    person: UUID | None
    person_name_masked: str
    origin: str
    arrived_on: dt.date | None
    symptoms: str
    arrival_ref: str
    incident_ref: str
    observation_register_url: str


class VisitHouseholdRef(Schema):
    public_id: UUID
    label: str
    grid_code: str


class VisitOut(Schema):
    public_id: UUID
    campaign: UUID
    household: VisitHouseholdRef
    round: int
    outcome: str
    people_present: int
    note: str
    visited_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: str
    latitude: float | None
    longitude: float | None
    corrects: UUID | None
    correction_reason: str
    has_photo: bool
    findings: list[FindingOut]
    warnings: list[str] = Field(default_factory=list)

    @staticmethod
    def resolve_campaign(obj) -> UUID:
        return obj.campaign.public_id

    @staticmethod
    def resolve_household(obj) -> dict:
        household = obj.household
        return {
            "public_id": household.public_id,
            "label": household.label,
            "grid_code": household.region.code,
        }

    @staticmethod
    def resolve_recorded_by(obj) -> str:
        return obj.recorded_by.username if obj.recorded_by_id else ""

    @staticmethod
    def resolve_corrects(obj) -> UUID | None:
        return obj.corrects.public_id if obj.corrects_id else None

    @staticmethod
    def resolve_has_photo(obj) -> bool:
        return obj.photo_id is not None

    @staticmethod
    def resolve_latitude(obj) -> float | None:
        return float(obj.latitude) if obj.latitude is not None else None

    @staticmethod
    def resolve_longitude(obj) -> float | None:
        return float(obj.longitude) if obj.longitude is not None else None

    @staticmethod
    def resolve_findings(obj) -> list[dict]:
        from bastion.campaigns.services.links import observation_register_link
        from bastion.core.masking import mask_name

        rows = []
        for f in obj.findings.all():
            link = ""
            if f.kind == "risk_arrival":
                link = observation_register_link(
                    person=f.person, origin=f.origin, arrived_on=f.arrived_on
                )
            rows.append(
                {
                    "kind": f.kind,
                    "person": f.person.public_id if f.person_id else None,
                    "person_name_masked": mask_name(
                        f.person.name if f.person_id else f.person_name
                    ),
                    "origin": f.origin,
                    "arrived_on": f.arrived_on,
                    "symptoms": f.symptoms,
                    "arrival_ref": f.arrival_ref,
                    "incident_ref": f.incident_ref,
                    "observation_register_url": link,
                }
            )
        return rows


class CorrectionIn(Schema):
    outcome: str
    people_present: int = Field(0, ge=0, le=99)
    reason: str = Field(max_length=300)
    note: str | None = Field(None, max_length=500)


# --- Venues -----------------------------------------------------------------------------


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


class ReasonIn(Schema):
    reason: str = Field(max_length=300)


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


# --- Materials ------------------------------------------------------------------------


class MaterialOut(Schema):
    public_id: UUID
    name: str
    kind: str
    region_code: str
    campaign: UUID | None
    note: str
    handed_out: int
    posted: int

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_campaign(obj) -> UUID | None:
        return obj.campaign.public_id if obj.campaign_id else None


class MaterialIn(Schema):
    name: str = Field(max_length=100)
    kind: str
    region: str
    campaign: UUID | None = None
    note: str = Field("", max_length=300)


class CompanyOut(Schema):
    public_id: UUID
    name: str
    region_code: str
    contact_name: str
    contact_phone_masked: str
    note: str
    copies: int
    entries: int

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code


class CompanyIn(Schema):
    name: str = Field(max_length=100)
    region: str
    contact_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=20)
    note: str = Field("", max_length=300)


class CompanyPatchIn(Schema):
    name: str | None = Field(None, max_length=100)
    contact_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=20)
    note: str | None = Field(None, max_length=300)


class DistributionOut(Schema):
    public_id: UUID
    material: UUID
    action: str
    quantity: int
    region_code: str
    place: str
    company: UUID | None
    distributed_on: dt.date
    recorded_at: dt.datetime
    recorded_by: str
    visit: UUID | None
    voids: UUID | None
    note: str

    @staticmethod
    def resolve_material(obj) -> UUID:
        return obj.material.public_id

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_company(obj) -> UUID | None:
        return obj.company.public_id if obj.company_id else None

    @staticmethod
    def resolve_recorded_by(obj) -> str:
        return obj.recorded_by.username if obj.recorded_by_id else ""

    @staticmethod
    def resolve_visit(obj) -> UUID | None:
        return obj.visit.public_id if obj.visit_id else None

    @staticmethod
    def resolve_voids(obj) -> UUID | None:
        return obj.voids.public_id if obj.voids_id else None


class DistributionIn(Schema):
    material: UUID
    action: str
    quantity: int = Field(ge=1, le=100_000)
    region: str
    distributed_on: dt.date
    place: str = Field("", max_length=200)
    company: UUID | None = None
    note: str = Field("", max_length=300)
