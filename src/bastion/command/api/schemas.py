"""API shapes of the command app.

No `from __future__ import annotations`: ninja builds models from runtime annotations.
"""

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Field, Schema


class UnitOut(Schema):
    key: str
    kind: str
    name: str


class FileOut(Schema):
    public_id: UUID
    name: str = Field(alias="original_name")
    content_type: str
    size: int


# --- Meetings -----------------------------------------------------------------------------


class DecisionIn(Schema):
    text: str
    owner: str = ""
    due_on: dt.date | None = None


class DecisionOut(Schema):
    public_id: UUID
    number: int
    text: str
    owner: str
    due_on: dt.date | None


class MeetingIn(Schema):
    issuer: str
    kind: str
    title: str
    held_at: dt.datetime
    place: str = ""
    chair: str = ""
    attendees: str = ""
    summary: str = ""
    decisions: list[DecisionIn] = []


class MeetingOut(Schema):
    public_id: UUID
    kind: str
    title: str
    held_at: dt.datetime
    place: str
    chair: str
    issuer_key: str
    issuer_name: str
    attendee_count: int


class MeetingDetailOut(MeetingOut):
    attendees: str
    summary: str
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_decisions(obj) -> list:
        return list(obj.decisions.order_by("number"))


# --- Directives ---------------------------------------------------------------------------


class DirectiveIn(Schema):
    issuer: str
    title: str
    content: str
    deadline: dt.datetime
    targets: list[str]
    priority: str = "normal"
    remind_hours: int = 24
    attachments: list[UUID] = []
    decision: UUID | None = None


class DirectiveOut(Schema):
    public_id: UUID
    title: str
    priority: str
    status: str
    deadline: dt.datetime
    issued_at: dt.datetime
    issuer_key: str
    issuer_name: str
    targets: int = Field(0, alias="n_targets")
    done: int = Field(0, alias="n_done")
    overdue: int = Field(0, alias="n_overdue")
    unread: int = Field(0, alias="n_unread")


class CompletionOut(Schema):
    total: int
    done: int
    overdue: int
    done_late: int
    rate: int
    by_status: dict[str, int]


class DirectiveDetailOut(Schema):
    public_id: UUID
    title: str
    content: str
    priority: str
    status: str
    deadline: dt.datetime
    remind_hours: int
    issued_at: dt.datetime
    issuer_key: str
    issuer_name: str
    cancel_reason: str
    decision: UUID | None = None
    attachments: list[FileOut]
    completion: CompletionOut


class TargetOut(Schema):
    public_id: UUID
    directive: UUID
    unit_key: str
    unit_kind: str
    unit_name: str
    status: str
    effective_status: str
    read_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    done_at: dt.datetime | None
    progress_note: str
    report: str

    @staticmethod
    def resolve_directive(obj) -> UUID:
        return obj.directive.public_id

    @staticmethod
    def resolve_effective_status(obj) -> str:
        return getattr(obj, "effective", obj.status)


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    note: str
    actor_name: str
    at: dt.datetime
    attachments: list[FileOut]

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


class TargetDetailOut(TargetOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.prefetch_related("attachments").order_by("at", "id"))


class CommandNoteIn(Schema):
    note: str = ""


class CommandReasonIn(Schema):
    reason: str


class StepIn(Schema):
    note: str
    attachments: list[UUID] = []


class ReportIn(Schema):
    report: str
    attachments: list[UUID] = []


# --- Inbox and notices --------------------------------------------------------------------


class InboxItemOut(Schema):
    kind: str
    public_id: str
    title: str
    kind_label: str
    unit_name: str
    issuer_name: str
    at: dt.datetime
    unread: bool
    status: str
    status_label: str
    deadline: dt.datetime | None
    priority: str


class NoticeIn(Schema):
    issuer: str
    kind: str
    title: str
    body: str
    targets: list[str]
    attachments: list[UUID] = []


class NoticeVersionIn(Schema):
    body: str
    change_note: str
    title: str = ""
    attachments: list[UUID] = []


class TargetsIn(Schema):
    targets: list[str]


class NoticeOut(Schema):
    public_id: UUID
    kind: str
    title: str
    status: str
    current_version: int
    published_at: dt.datetime
    issuer_key: str
    issuer_name: str
    targets: int = Field(0, alias="n_targets")
    read: int = Field(0, alias="n_read")


class NoticeVersionOut(Schema):
    number: int
    body: str
    change_note: str
    published_at: dt.datetime
    attachments: list[FileOut]

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


class NoticeDetailOut(NoticeOut):
    versions: list[NoticeVersionOut]

    @staticmethod
    def resolve_versions(obj) -> list:
        return getattr(obj, "versions_list", None) or list(obj.versions.order_by("-number"))


class ReceiptOut(Schema):
    unit_key: str
    unit_kind: str
    unit_name: str
    read_version: int
    read_at: dt.datetime | None
    current: bool


# --- Incidents ----------------------------------------------------------------------------


class IncidentKindOut(Schema):
    code: str
    name_zh: str
    name_en: str
    default_grade: str
    order: int
    active: bool


class IncidentKindIn(Schema):
    code: str
    name_zh: str
    name_en: str = ""
    default_grade: str = "simple"
    order: int = 0
    active: bool = True


class IncidentIn(Schema):
    kind: str
    grade: str
    region: str
    description: str
    place: str = ""
    person: UUID | None = None
    household: UUID | None = None
    photos: list[UUID] = []
    linked_type: str = ""
    linked_ref: str = ""
    linked_label: str = ""


class IncidentOut(Schema):
    public_id: UUID
    number: str | None
    kind: str
    grade: str
    status: str
    region_code: str
    region_name: str
    place: str
    description: str
    reported_at: dt.datetime
    reporter_name: str
    receiving_name: str
    handler_key: str
    handler_name: str
    deadline: dt.datetime | None
    overdue: bool
    linked_type: str
    linked_ref: str
    linked_label: str

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_receiving_name(obj) -> str:
        return obj.receiving_region.name

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return bool(getattr(obj, "is_overdue", False))


class LogEntryOut(Schema):
    action: str
    from_status: str
    to_status: str
    note: str
    details: dict[str, Any]
    actor_name: str
    at: dt.datetime
    photos: list[FileOut]

    @staticmethod
    def resolve_photos(obj) -> list:
        return list(obj.photos.all())


class ExtensionOut(Schema):
    public_id: UUID
    requested_deadline: dt.datetime
    previous_deadline: dt.datetime
    reason: str
    status: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str


class IncidentDetailOut(IncidentOut):
    photos: list[FileOut]
    log: list[LogEntryOut]
    extensions: list[ExtensionOut]

    @staticmethod
    def resolve_photos(obj) -> list:
        return list(obj.photos.all())

    @staticmethod
    def resolve_log(obj) -> list:
        return obj.log_list

    @staticmethod
    def resolve_extensions(obj) -> list:
        return obj.extension_list


class GradeIn(Schema):
    grade: str
    note: str


class DispatchIn(Schema):
    handler: str
    deadline: dt.datetime
    note: str = ""


class HandleIn(Schema):
    note: str
    photos: list[UUID] = []


class ExtensionIn(Schema):
    deadline: dt.datetime
    reason: str


class DecideIn(Schema):
    approve: bool
    note: str = ""


class HandlerRowOut(Schema):
    handler_key: str
    handler_name: str
    in_hand: int
    overdue: int
    due_soon: int
    handled: int
    closed_in_time: int
    closed_late: int


# --- Daily forms and figures --------------------------------------------------------------


class DailyFieldIn(Schema):
    code: str
    label: str
    kind: str = "integer"
    required: bool = True
    min_value: int | None = 0
    max_value: int | None = None
    help_text: str = ""


class DailyFieldOut(Schema):
    code: str
    label: str
    kind: str
    required: bool
    min_value: int | None
    max_value: int | None
    help_text: str
    active: bool


class DailyFormIn(Schema):
    name: str
    levels: list[str]
    deadline_hour: int = 18
    description: str = ""
    fields: list[DailyFieldIn]


class DailyFormPatchIn(Schema):
    name: str | None = None
    description: str | None = None
    levels: list[str] | None = None
    deadline_hour: int | None = None
    active: bool | None = None


class DailyFormOut(Schema):
    public_id: UUID
    name: str
    description: str
    region_code: str
    levels: list[str]
    deadline_hour: int
    active: bool
    fields: list[DailyFieldOut]

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_fields(obj) -> list:
        return list(obj.fields.all())


class ActiveIn(Schema):
    active: bool


class DailyReportIn(Schema):
    unit: str
    values: dict[str, Any]


class DailyReportOut(Schema):
    public_id: UUID
    unit_code: str
    unit_name: str
    local_date: dt.date
    values: dict[str, Any]
    filed_at: dt.datetime
    late: bool
    amended_at: dt.datetime | None

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.region.name


class UnitStatusOut(Schema):
    unit_code: str
    unit_name: str
    filed: bool
    late: bool
    overdue: bool
    values: dict[str, Any]


class FormStatusOut(Schema):
    form: UUID
    day: dt.date
    deadline: dt.datetime
    units: int
    filed: int
    missing: int
    totals: dict[str, int]
    rows: list[UnitStatusOut]


class FigureOut(Schema):
    code: str
    name: str
    unit: str
    value: int | None
    group: str


class CommandFiguresOut(Schema):
    region_code: str
    region_name: str
    day: dt.date
    figures: list[FigureOut]
    forms: list[FormStatusOut]
