"""API shapes of campaigns, their rounds and coverage. No `from __future__ import
annotations`: ninja builds models from runtime annotations."""

import datetime as dt
from uuid import UUID

from ninja import Schema
from pydantic import Field


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
