"""API shapes of household visits, their findings and corrections. No `from __future__
import annotations`: ninja builds models from runtime annotations."""

import datetime as dt
from uuid import UUID

from ninja import Schema
from pydantic import Field

from bastion.core.schemas import IsoDateTime


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
