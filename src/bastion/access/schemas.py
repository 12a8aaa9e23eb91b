"""API schemas of the access app."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema


class RoleOut(Schema):
    role: str
    role_name: str
    region_code: str | None = None
    region_name: str | None = None
    org_path: str = ""


class MeOut(Schema):
    public_id: uuid.UUID
    username: str
    full_name: str
    email: str
    roles: list[RoleOut]
    permissions: list[str]
    totp_required: bool
    must_change_password: bool
    unread_notifications: int


class TokenOut(Schema):
    public_id: uuid.UUID
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    expires_at: dt.datetime | None = None


class TokenCreated(Schema):
    token: TokenOut
    key: str = Field(..., description="The raw key, shown only in this response.")


class PasswordChangeIn(Schema):
    old_password: str
    new_password: str


class NotificationOut(Schema):
    public_id: uuid.UUID
    created_at: dt.datetime
    title: str  # in the caller's language (Accept-Language)
    body: str
    link: str
    level: str
    read_at: dt.datetime | None

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.display_title

    @staticmethod
    def resolve_body(obj) -> str:
        return obj.display_body


class AuditEntryOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    path: str
    changes: dict
    reason: str
    ip_address: str | None

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_name


class RevealIn(Schema):
    field: Literal["id_number", "phone"]
    reason: str = Field(..., max_length=500)


class RevealOut(Schema):
    value: str
