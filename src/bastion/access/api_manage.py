"""The management API: users, their role grants, responsibility assignments (包片、包户、包人).

Everything is scoped to the caller's subtree: users outside it, their grants and
assignments outside it answer 404. A refused grant (a role above the caller's level,
a region outside her subtree) answers 422 with the field named.

No `from __future__ import annotations`: ninja's @paginate reads the annotations at runtime.
"""

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.access import selectors_people as sel
from bastion.access import services_users as svc
from bastion.access.models import AssignmentKind
from bastion.access.roles import Perm
from bastion.access.schemas_manage import (
    AssignmentIn,
    AssignmentOut,
    GrantIn,
    GrantOut,
    ManagedUserDetail,
    ManagedUserOut,
    PasswordResetOut,
    UserCreatedOut,
    UserCreateIn,
)
from bastion.core.pagination import PageNumberPagination

router = Router(tags=["users"])


def _region(user, code: str, field: str = "region_code", perm: str = Perm.USER_MANAGE):
    try:
        return sel.manageable_region_get(user=user, code=(code or "").strip(), perm=perm)
    except Http404 as exc:
        raise ValidationError({field: [_("区域不存在或不在你的管辖范围内")]}) from exc


def _detail(user):
    user.other_roles = sel.other_grant_count(target=user)
    return user


# --- Users ----------------------------------------------------------------------------


@router.get("/users", response=list[ManagedUserOut])
@paginate(PageNumberPagination, page_size=50)
def user_list(request, q: str = "", active: bool | None = None):
    return sel.managed_user_list(user=request.auth, q=q, active=active)


@router.post("/users", response={201: UserCreatedOut})
def user_create(request, payload: UserCreateIn):
    actor = request.auth
    sel.manageable_regions(user=actor)  # Http404 for callers who manage no users
    region = _region(actor, payload.region_code)
    user, password = svc.user_create(
        actor=actor,
        username=payload.username,
        full_name=payload.full_name,
        email=payload.email,
        password=payload.password,
        role=payload.role,
        region=region,
    )
    created = sel.managed_user_get(user=actor, public_id=user.public_id)
    return Status(201, {"user": created, "password": password})


@router.get("/users/{public_id}", response=ManagedUserDetail)
def user_detail(request, public_id: uuid.UUID):
    return _detail(sel.managed_user_get(user=request.auth, public_id=public_id))


@router.post("/users/{public_id}/roles", response={201: GrantOut})
def user_role_grant(request, public_id: uuid.UUID, payload: GrantIn):
    actor = request.auth
    user = sel.managed_user_get(user=actor, public_id=public_id)
    region = _region(actor, payload.region_code)
    grant = svc.role_grant(actor=actor, user=user, role=payload.role, region=region)
    return Status(201, grant)


@router.api_operation(["DELETE"], "/users/{public_id}/roles/{role_public_id}", response={204: None})
def user_role_revoke(request, public_id: uuid.UUID, role_public_id: uuid.UUID):
    actor = request.auth
    user = sel.managed_user_get(user=actor, public_id=public_id)
    grant = sel.managed_grant_get(user=actor, target=user, public_id=role_public_id)
    svc.role_withdraw(actor=actor, grant=grant)
    return Status(204, None)


@router.post("/users/{public_id}/password", response=PasswordResetOut)
def user_password_reset(request, response: HttpResponse, public_id: uuid.UUID):
    """A new one-time password for the user, shown only in this response; she must
    change it at her next sign-in."""
    response["Cache-Control"] = "no-store"
    actor = request.auth
    user = sel.managed_user_get(user=actor, public_id=public_id)
    return {"password": svc.user_password_reset(actor=actor, user=user)}


@router.post("/users/{public_id}/deactivate", response=ManagedUserDetail)
def user_deactivate(request, public_id: uuid.UUID):
    actor = request.auth
    user = sel.managed_user_get(user=actor, public_id=public_id)
    svc.user_deactivate(actor=actor, user=user)
    return _detail(sel.managed_user_get(user=actor, public_id=public_id))


@router.post("/users/{public_id}/reactivate", response=ManagedUserDetail)
def user_reactivate(request, public_id: uuid.UUID):
    actor = request.auth
    user = sel.managed_user_get(user=actor, public_id=public_id)
    svc.user_reactivate(actor=actor, user=user)
    return _detail(sel.managed_user_get(user=actor, public_id=public_id))


# --- Responsibility assignments ---------------------------------------------------------


@router.get("/assignments", response=list[AssignmentOut])
@paginate(PageNumberPagination, page_size=50)
def assignment_list(request, kind: str = "", region: str = "", user: str = ""):
    actor = request.auth
    region_path = ""
    if region:
        region_path = _region(actor, region, "region", Perm.ASSIGNMENT_MANAGE).path
    filters = sel.AssignmentFilters(kind=kind, region_path=region_path, user_public_id=user)
    return sel.assignment_list(user=actor, filters=filters)


@router.post("/assignments", response={201: AssignmentOut})
def assignment_create(request, payload: AssignmentIn):
    actor = request.auth
    sel.assignment_list(user=actor)  # Http404 for callers who manage no assignments
    user = sel.managed_user_get(user=actor, public_id=payload.user, perm=Perm.ASSIGNMENT_MANAGE)
    targets = resolve_assignment_target(
        actor,
        kind=payload.kind,
        region_code=payload.region_code,
        household=payload.household,
        person=payload.person,
    )
    assignment = svc.assignment_add(actor=actor, user=user, kind=payload.kind, **targets)
    return Status(201, sel.assignment_get(user=actor, public_id=assignment.public_id))


@router.api_operation(["DELETE"], "/assignments/{public_id}", response={204: None})
def assignment_delete(request, public_id: uuid.UUID):
    actor = request.auth
    assignment = sel.assignment_get(user=actor, public_id=public_id)
    svc.assignment_remove(actor=actor, assignment=assignment)
    return Status(204, None)


def resolve_assignment_target(actor, *, kind: str, region_code=None, household=None, person=None):
    """The target of a new assignment as service keyword arguments; Http404 if unseen."""
    from bastion.geo.selectors import household_get
    from bastion.people.selectors import person_get

    if kind == AssignmentKind.GRID:
        if not region_code:
            raise ValidationError({"region_code": [_("请选择网格")]})
        return {
            "region": sel.manageable_region_get(
                user=actor, code=region_code.strip(), perm=Perm.ASSIGNMENT_MANAGE
            )
        }
    if kind == AssignmentKind.HOUSEHOLD:
        if not household:
            raise ValidationError({"household": [_("请选择户")]})
        return {"household": household_get(user=actor, public_id=household)}
    if kind == AssignmentKind.PERSON:
        if not person:
            raise ValidationError({"person": [_("请选择人员")]})
        return {"person": person_get(user=actor, public_id=person)}
    raise ValidationError({"kind": [_("未知的包保类型：%(kind)s") % {"kind": kind}]})
