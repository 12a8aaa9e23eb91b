"""API shapes of the inbox, notices, their versions and read receipts. No `from __future__
import annotations`: ninja builds models from runtime annotations."""

import datetime as dt
from uuid import UUID

from ninja import Field, Schema

from bastion.command.api.schemas.common import FileOut


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
