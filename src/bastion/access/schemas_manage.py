"""API shapes for managing users, role grants and responsibility assignments."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from bastion.access.roles import Role


class GrantOut(Schema):
    public_id: uuid.UUID
    role: str
    role_name: str
    region_code: str
    region_name: str
    created_at: dt.datetime

    @staticmethod
    def resolve_role_name(obj) -> str:
        return str(Role(obj.role).label)

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name


class ManagedUserOut(Schema):
    public_id: uuid.UUID
    username: str
    full_name: str
    email: str
    is_active: bool
    last_login: dt.datetime | None
    roles: list[GrantOut] = Field(..., description="Grants inside the caller's subtree only.")

    @staticmethod
    def resolve_roles(obj):
        return obj.scoped_roles


class ManagedUserDetail(ManagedUserOut):
    other_roles: int = Field(..., description="How many grants lie outside the caller's view.")


class UserCreateIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    full_name: str = Field(..., min_length=1, max_length=60)
    email: str = Field("", max_length=254)
    role: str
    region_code: str = Field(..., max_length=15)
    password: str | None = Field(
        None, description="Leave empty to generate a one-time password (returned once)."
    )


class UserCreatedOut(Schema):
    user: ManagedUserOut
    password: str = Field(..., description="The initial password, shown only in this response.")


class GrantIn(Schema):
    role: str
    region_code: str = Field(..., max_length=15)


class UserRef(Schema):
    public_id: uuid.UUID
    username: str
    full_name: str


class AssignmentOut(Schema):
    public_id: uuid.UUID
    kind: str
    kind_name: str
    user: UserRef
    target_id: str = Field(..., description="Grid code, household or person public id.")
    target_name: str
    path: str
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_name(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_target_id(obj) -> str:
        if obj.kind == "grid":
            return obj.region.code
        target = obj.household if obj.kind == "household" else obj.person
        return str(target.public_id)

    @staticmethod
    def resolve_target_name(obj) -> str:
        if obj.kind == "grid":
            return obj.region.name
        if obj.kind == "household":
            return obj.household.label
        return obj.person.name


class AssignmentIn(Schema):
    user: uuid.UUID
    kind: Literal["grid", "household", "person"]
    region_code: str | None = Field(None, max_length=15, description="For kind=grid.")
    household: uuid.UUID | None = Field(None, description="For kind=household.")
    person: uuid.UUID | None = Field(None, description="For kind=person.")


class PasswordResetOut(Schema):
    password: str = Field(..., description="The new one-time password, shown only here.")
