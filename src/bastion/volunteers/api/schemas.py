"""API shapes of the volunteers app. People appear with masked names unless the caller
answers for them (publishers, the volunteer themself).

No `from __future__ import annotations`: ninja builds models from runtime annotations.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from bastion.core.masking import mask_name

# --- Tasks ------------------------------------------------------------------------------


class PublisherIn(Schema):
    kind: Literal["community", "team", "temporary_branch"]
    community: str = Field("", description="community or village code (kind community)")
    team: UUID | None = None
    organization: UUID | None = Field(None, description="temporary branch (kind temporary_branch)")


class TaskFieldsIn(Schema):
    title: str = Field(..., max_length=100)
    kind: str = Field(..., description="TaskKind code, see GET /volunteers/kinds")
    location_kind: Literal["grid", "address", "online"]
    region: str = Field(..., description="grid, community or town code")
    address: str = Field("", max_length=200)
    slots: int = Field(..., ge=1, le=1000)
    description: str = Field("", max_length=2000)
    skills: list[str] = Field(default_factory=list, max_length=10)
    risk_level: Literal["low", "medium", "high"] = "low"
    risk_note: str = Field("", max_length=300)
    protection: str = Field("", max_length=300)
    contact_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=20)
    leader: str = Field("", description="username of the task leader", max_length=150)


class TaskIn(TaskFieldsIn):
    publisher: PublisherIn
    starts_at: dt.datetime
    ends_at: dt.datetime


class SeriesIn(TaskFieldsIn):
    publisher: PublisherIn
    first_day: dt.date
    last_day: dt.date
    start_time: dt.time
    end_time: dt.time
    weekdays: list[int] = Field(
        default_factory=list, description="0=Monday … 6=Sunday; empty: every day"
    )


class TaskPatchIn(Schema):
    title: str | None = Field(None, max_length=100)
    kind: str | None = None
    location_kind: Literal["grid", "address", "online"] | None = None
    region: str | None = None
    address: str | None = Field(None, max_length=200)
    slots: int | None = Field(None, ge=1, le=1000)
    description: str | None = Field(None, max_length=2000)
    skills: list[str] | None = Field(None, max_length=10)
    risk_level: Literal["low", "medium", "high"] | None = None
    risk_note: str | None = Field(None, max_length=300)
    protection: str | None = Field(None, max_length=300)
    contact_name: str | None = Field(None, max_length=60)
    contact_phone: str | None = Field(None, max_length=20)
    leader: str | None = Field(None, max_length=150)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    reason: str = Field("", max_length=300, description="told to the volunteers with the change")


class VolunteersReasonIn(Schema):
    reason: str = Field("", max_length=300)


class VolunteersRegionRef(Schema):
    code: str
    name: str


class TaskOut(Schema):
    public_id: UUID
    title: str
    kind: str
    kind_name: str
    publisher_kind: str
    region: VolunteersRegionRef
    location_kind: str
    address: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    slots: int
    claimed: int
    waiting: int
    status: str
    state: str
    skills: list[str]
    risk_level: str
    risk_note: str
    protection: str
    contact_name: str
    contact_phone_masked: str
    series: UUID | None = None

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_kind_name(obj) -> str:
        return obj.kind.label

    @staticmethod
    def resolve_claimed(obj) -> int:
        return obj.claimed_count

    @staticmethod
    def resolve_waiting(obj) -> int:
        return obj.waiting_count

    @staticmethod
    def resolve_state(obj) -> str:
        from bastion.volunteers.selectors.tasks import task_state

        return task_state(obj)[0]

    @staticmethod
    def resolve_series(obj):
        return obj.series.public_id if obj.series_id else None


class NearbyOut(Schema):
    task: TaskOut
    distance_km: float | None


class NearbyPageOut(Schema):
    items: list[NearbyOut]
    online: list[TaskOut]
    page: int
    has_next: bool
    home_known: bool


class TaskDetailOut(TaskOut):
    description: str
    contact_phone: str = Field("", description="in full for claimants and publishers only")
    my_claim: "ClaimOut | None" = None
    can_manage: bool = False
    can_lead: bool = False
    cancel_deadline: dt.datetime | None = None


class SeriesOut(Schema):
    public_id: UUID
    title: str
    first_day: dt.date
    last_day: dt.date
    start_time: dt.time
    end_time: dt.time
    weekdays: list[int]
    slots: int
    cancelled_at: dt.datetime | None
    tasks: list[UUID]

    @staticmethod
    def resolve_tasks(obj) -> list:
        return [t.public_id for t in obj.tasks.order_by("starts_at")]


# --- Claims and attendance ---------------------------------------------------------------


class ClaimIn(Schema):
    waitlist: bool = Field(False, description="join the waiting list when every slot is taken")


class OfflineClaimIn(ClaimIn):
    person: UUID


class ClaimOut(Schema):
    public_id: UUID
    task: UUID
    task_title: str
    status: str
    channel: str
    name: str
    created_at: dt.datetime
    holding_since: dt.datetime | None
    waiting_since: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancel_reason: str

    @staticmethod
    def resolve_task(obj):
        return obj.task.public_id

    @staticmethod
    def resolve_task_title(obj) -> str:
        return obj.task.title

    @staticmethod
    def resolve_name(obj) -> str:
        return mask_name(obj.person.name)


class AttendanceOut(Schema):
    public_id: UUID
    outcome: str
    hours: Decimal
    points: int
    served_on: dt.date
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    confirmed_at: dt.datetime
    corrects: UUID | None = None
    note: str

    @staticmethod
    def resolve_corrects(obj):
        return obj.corrects.public_id if obj.corrects_id else None


class RosterOut(Schema):
    claim: ClaimOut
    person_name: str
    checked_in: dt.datetime | None
    checked_out: dt.datetime | None
    proposed_hours: Decimal
    state: str
    no_show_pending: bool
    attendance: AttendanceOut | None


class RosterPageOut(Schema):
    holding: list[RosterOut]
    waiting: list[ClaimOut]
    cancelled: list[ClaimOut]


class CheckIn(Schema):
    kind: Literal["in", "out"]


class ScanIn(CheckIn):
    code: str = Field(..., min_length=1, max_length=64)


class CheckOut(Schema):
    kind: str
    at: dt.datetime
    method: str
    created: bool


class VolunteersConfirmIn(Schema):
    hours: Decimal | None = Field(None, ge=0, le=24, description="empty: from the check-in/out")
    note: str = Field("", max_length=300)


class NoShowIn(Schema):
    note: str = Field("", max_length=300)


class CorrectIn(Schema):
    outcome: Literal["attended", "no_show"]
    hours: Decimal = Field(Decimal(0), ge=0, le=24)
    note: str = Field(..., min_length=1, max_length=300)


class VolunteersRecordOut(Schema):
    hours: Decimal
    points: int
    attended: int
    no_shows: int
    upcoming: list[ClaimOut]


class RankOut(Schema):
    rank: int
    name: str
    points: int
    hours: Decimal
    tasks: int
    is_me: bool


class CodeOut(Schema):
    checkin_url: str


# --- Orders ---------------------------------------------------------------------------------


class OrderIn(Schema):
    community: str = Field(..., description="community or village code")
    kind: Literal["groceries", "medicine", "errand", "other"]
    detail: str = Field(..., max_length=500)
    requester_name: str = Field(..., max_length=60)
    requester_phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)


class OrderOut(Schema):
    public_id: UUID
    community: VolunteersRegionRef
    region: VolunteersRegionRef
    source: str
    kind: str
    detail: str
    requester_name: str
    requester_phone_masked: str
    status: str
    volunteer_name: str
    accepted: bool
    created_at: dt.datetime
    assigned_at: dt.datetime | None
    done_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    rating: int | None
    rated_at: dt.datetime | None

    @staticmethod
    def resolve_requester_name(obj) -> str:
        return mask_name(obj.requester_name)

    @staticmethod
    def resolve_volunteer_name(obj) -> str:
        return mask_name(obj.volunteer.name) if obj.volunteer_id else ""


class VolunteersDispatchIn(Schema):
    person: UUID


class VolunteersNoteIn(Schema):
    note: str = Field("", max_length=300)


class RatingLinkOut(Schema):
    rating_url: str


# --- Configuration -------------------------------------------------------------------------


class KindOut(Schema):
    code: str
    name_zh: str
    name_en: str
    order: int
    active: bool


class KindIn(Schema):
    code: str = Field(..., max_length=30)
    name_zh: str = Field(..., max_length=40)
    name_en: str = Field("", max_length=60)
    order: int = Field(100, ge=0, le=32000)
    active: bool = True


class RulesIn(Schema):
    allow_residents: bool
    cancel_deadline_hours: int = Field(..., ge=0, le=168)
    minutes_per_point: int = Field(..., ge=5, le=480)
    points_per_unit: int = Field(..., ge=1, le=100)
    public_requests: bool


class RulesOut(RulesIn):
    region: VolunteersRegionRef
    inherited_from: str = Field("", description="path of the region whose rules apply; '' defaults")


class ResidentIn(Schema):
    person: UUID
    home_grid: str
    username: str = Field("", max_length=150)
    skills: list[str] = Field(default_factory=list, max_length=10)


class ResidentOut(Schema):
    public_id: UUID
    person: UUID
    name: str
    community: VolunteersRegionRef
    home_grid: VolunteersRegionRef
    username: str
    skills: list[str]
    active: bool
    left_on: dt.date | None

    @staticmethod
    def resolve_person(obj):
        return obj.person.public_id

    @staticmethod
    def resolve_name(obj) -> str:
        return mask_name(obj.person.name)

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username if obj.user_id else ""


TaskDetailOut.model_rebuild()
