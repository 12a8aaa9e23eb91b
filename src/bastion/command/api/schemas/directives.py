"""API shapes of directives, their targets (units) and the steps a target takes. No
`from __future__ import annotations`: ninja builds models from runtime annotations."""

import datetime as dt
from uuid import UUID

from ninja import Field, Schema

from bastion.command.api.schemas.common import FileOut


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


class StepIn(Schema):
    note: str
    attachments: list[UUID] = []


class ReportIn(Schema):
    report: str
    attachments: list[UUID] = []
