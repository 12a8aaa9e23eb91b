"""API shapes of the monitoring app. People appear with masked identifiers only.

No `from __future__ import annotations`: ninja builds models from runtime annotations.
"""

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Schema

from bastion.core.schemas import IsoDateTime

# --- Configuration ----------------------------------------------------------------------


class SeatOut(Schema):
    code: str
    label_zh: str
    label_en: str
    order: int
    confirms_release: bool


class PolicyOut(Schema):
    public_id: UUID
    category: str
    name_zh: str
    name_en: str
    observation_days: int
    clock_start: str
    followups_per_day: int
    fever_threshold: Decimal
    cutoff_hour: int
    retention_days: int
    escalation_hours: list[int]
    team_template: str
    active: bool

    @staticmethod
    def resolve_team_template(obj) -> str:
        return obj.team_template.name


class PolicyPatchIn(Schema):
    name_zh: str | None = None
    name_en: str | None = None
    observation_days: int | None = None
    clock_start: str | None = None
    followups_per_day: int | None = None
    fever_threshold: Decimal | None = None
    cutoff_hour: int | None = None
    retention_days: int | None = None
    escalation_hours: list[int] | None = None
    active: bool | None = None


class RiskAreaOut(Schema):
    public_id: UUID
    name: str
    code: str
    risky_from: dt.date
    risky_until: dt.date | None


class RiskAreaIn(Schema):
    name: str
    code: str = ""
    risky_from: dt.date
    risky_until: dt.date | None = None


class RiskAreaPatchIn(Schema):
    name: str | None = None
    code: str | None = None
    risky_from: dt.date | None = None
    risky_until: dt.date | None = None


# --- Observations -----------------------------------------------------------------------


class PersonRef(Schema):
    public_id: UUID
    name: str
    gender: str
    id_number_masked: str
    phone_masked: str


class ObservationOut(Schema):
    public_id: UUID
    person: PersonRef
    category: str
    policy_name: str
    region_code: str
    region_name: str
    origin: str
    risk_area: str | None
    arrived_on: dt.date | None
    last_contact_on: dt.date | None
    transport: str
    transport_number: str
    starts_on: dt.date
    observation_days: int
    extra_days: int
    status: str
    ended_at: dt.datetime | None
    end_reason: str
    end_note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.policy.category

    @staticmethod
    def resolve_policy_name(obj) -> str:
        return obj.policy.name_zh

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_risk_area(obj) -> str | None:
        return obj.risk_area.name if obj.risk_area_id else None


class PersonDataIn(Schema):
    name: str
    id_number: str
    phone: str = ""
    gender: str = ""
    birth_date: dt.date | None = None
    grid: str | None = None  # the grid's code
    household_label: str = ""
    relation_to_head: str = ""
    address_text: str = ""


class ObservationIn(Schema):
    category: str
    origin: str
    person: UUID | None = None  # an existing person, or:
    person_data: PersonDataIn | None = None
    arrived_on: dt.date | None = None
    last_contact_on: dt.date | None = None
    transport: str = ""
    transport_number: str = ""
    risk_area: UUID | None = None


class ReleaseIn(Schema):
    note: str = ""


class EndIn(Schema):
    reason: str
    note: str = ""


class ExtendIn(Schema):
    days: int
    reason: str


class TeamSeatOut(Schema):
    code: str
    label_zh: str
    label_en: str
    confirms_release: bool
    user: str | None  # username
    full_name: str | None


class TeamIn(Schema):
    members: dict[str, str | None]  # seat code -> username (None leaves the seat empty)


class SeatDutyOut(Schema):
    """A standing seat duty (五包一岗位); `seat_label` is annotated by `seat_duty_list`."""

    public_id: UUID
    seat_code: str
    seat_label: str
    region: str
    region_name: str
    user: str
    user_name: str
    created_at: dt.datetime

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_user(obj) -> str:
        return obj.user.username

    @staticmethod
    def resolve_user_name(obj) -> str:
        return obj.user.full_name


class SeatDutyIn(Schema):
    seat_code: str
    region: str  # the region's code
    user: str  # username


class SelfReportLinkOut(Schema):
    url: str
    token: str


# --- Follow-ups -------------------------------------------------------------------------


class FollowUpOut(Schema):
    ref: str
    observed_at: dt.datetime
    entered_at: dt.datetime
    local_date: dt.date
    source: str
    recorded_by: str | None
    temperature: Decimal | None
    symptoms: list[str]
    other_symptom: str
    at_home: bool | None
    contact: str
    note: str
    corrects: str | None
    abnormal: bool


class FollowUpIn(Schema):
    observed_at: IsoDateTime | None = None  # default: now
    temperature: Decimal | None = None
    symptoms: list[str] = []
    other_symptom: str = ""
    at_home: bool | None = True
    contact: str = "seen"
    note: str = ""


# --- Alerts and services ----------------------------------------------------------------


class AlertOut(Schema):
    public_id: UUID
    observation: UUID
    person_name: str
    kind: str
    local_date: dt.date
    raised_at: dt.datetime
    detail: str
    acknowledged_at: dt.datetime | None
    acknowledge_note: str
    resolved_at: dt.datetime | None
    resolve_note: str

    @staticmethod
    def resolve_observation(obj) -> UUID:
        return obj.observation.public_id

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.observation.person.name

    @staticmethod
    def resolve_detail(obj) -> str:
        return obj.detail_text  # in the caller's language

    @staticmethod
    def resolve_resolve_note(obj) -> str:
        return obj.resolve_note_text


class MonitoringNoteIn(Schema):
    note: str = ""


class ServiceRequestOut(Schema):
    public_id: UUID
    observation: UUID
    person_name: str
    kind: str
    detail: str
    from_self_report: bool
    assigned_to: str | None
    status: str
    status_note: str
    created_at: dt.datetime
    done_at: dt.datetime | None

    @staticmethod
    def resolve_observation(obj) -> UUID:
        return obj.observation.public_id

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.observation.person.name

    @staticmethod
    def resolve_assigned_to(obj) -> str | None:
        return obj.assigned_to.username if obj.assigned_to_id else None


class ServiceRequestIn(Schema):
    observation: UUID
    kind: str
    detail: str = ""


class AssignIn(Schema):
    user: str  # username


class StatusIn(Schema):
    status: str
    note: str = ""


# --- Monitoring view and list import ----------------------------------------------------


class MonitorOut(Schema):
    region: str
    as_of: dt.datetime
    counts: dict[str, Any]


class ImportReportOut(Schema):
    committed: bool
    dry_run: bool
    report: dict[str, Any]
