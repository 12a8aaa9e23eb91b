"""API shapes of incidents, their kinds, log, deadline extensions and handlers. No
`from __future__ import annotations`: ninja builds models from runtime annotations."""

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Schema

from bastion.command.api.schemas.common import FileOut


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
