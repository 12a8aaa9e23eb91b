"""Party API shapes: organizations. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

import datetime as dt
from uuid import UUID

from ninja import Schema


class OrganizationRef(Schema):
    public_id: UUID
    code: str
    name: str


class OrganizationOut(Schema):
    public_id: UUID
    code: str
    name: str
    tier: str
    sector: str
    parent: OrganizationRef | None
    path: str
    region_code: str | None
    region_name: str | None
    secretary: str
    site_kind: str
    site_name: str
    purpose: str
    opened_on: dt.date | None
    closed_on: dt.date | None
    registration_target: int | None

    @staticmethod
    def resolve_region_code(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_region_name(obj) -> str | None:
        return obj.region.name if obj.region_id else None


class OrganizationIn(Schema):
    parent: UUID
    code: str
    name: str
    tier: str
    sector: str
    region: str = ""
    secretary: str = ""
    site_kind: str = ""
    site_name: str = ""
    purpose: str = ""
    opened_on: dt.date | None = None


class OrganizationPatchIn(Schema):
    name: str | None = None
    sector: str | None = None
    region: str | None = None
    secretary: str | None = None
    site_kind: str | None = None
    site_name: str | None = None
    purpose: str | None = None
    opened_on: dt.date | None = None


class CloseIn(Schema):
    closed_on: dt.date
    reason: str = ""


class TargetIn(Schema):
    target: int | None


class RateOut(Schema):
    organization: OrganizationRef
    employed: int
    registered: int
    rate: float | None
    target: int | None
    meets_target: bool | None


class RatesOut(Schema):
    rate: RateOut
    children: list[RateOut]


class OfficerOut(Schema):
    public_id: UUID
    username: str
    full_name: str
    active: bool
    granted_at: dt.datetime

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.user.full_name

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.user.is_active

    @staticmethod
    def resolve_granted_at(obj) -> dt.datetime:
        return obj.created_at


class OfficerIn(Schema):
    username: str
    full_name: str = ""
    create_account: bool = False


class OfficerCreatedOut(Schema):
    officer: OfficerOut
    password: str | None
