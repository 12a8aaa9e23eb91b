"""API shapes of printed materials, print companies and distributions. No `from __future__
import annotations`: ninja builds models from runtime annotations."""

import datetime as dt
from uuid import UUID

from ninja import Schema
from pydantic import Field


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
