"""API shapes shared by the command app's aggregates: units, files, notes and reasons.
No `from __future__ import annotations`: ninja builds models from runtime annotations."""

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


class CommandNoteIn(Schema):
    note: str = ""


class CommandReasonIn(Schema):
    reason: str
