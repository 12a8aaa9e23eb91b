"""The access API: who am I, my tokens, my notifications, the audit log, PII reveal.

No `from __future__ import annotations` here: ninja's @paginate builds its query model
from the wrapped function's annotations at runtime, and string annotations such as
"dt.date | None" cannot be resolved there.
"""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.access import selectors, services
from bastion.access.apiauth import bearer_key
from bastion.access.models import RoleAssignment
from bastion.access.roles import Perm, Role
from bastion.access.schemas import (
    AuditEntryOut,
    MeOut,
    NotificationOut,
    PasswordChangeIn,
    RevealIn,
    RevealOut,
    TokenCreated,
    TokenIn,
    TokenOut,
)
from bastion.access.scoping import scope_of
from bastion.access.twofactor import totp_required
from bastion.core.apierrors import ApiError
from bastion.core.audit import client_ip
from bastion.core.pagination import PageNumberPagination

router = Router(tags=["access"])


@router.get("/me", response=MeOut)
def me(request):
    user = request.auth
    grants = RoleAssignment.objects.filter(user=user).select_related("region").order_by("id")
    scope = scope_of(user)
    permissions = sorted(
        {v for k, v in vars(Perm).items() if k.isupper()} if scope.superuser else scope.perms
    )
    return {
        "public_id": user.public_id,
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "roles": [
            {
                "role": g.role,
                "role_name": str(Role(g.role).label),
                "region_code": g.region.code if g.region else None,
                "region_name": g.region.name if g.region else None,
                "org_path": g.org_path,
            }
            for g in grants
        ],
        "permissions": permissions,
        "totp_required": totp_required(user),
        "must_change_password": user.must_change_password,
        "unread_notifications": selectors.notification_unread_count(user=user),
    }


@router.post("/me/password", response={204: None})
def me_password(request, payload: PasswordChangeIn):
    """Change one's own password (required after a manager issued one). Attempts are
    limited; the change is audited, never the passwords."""
    from bastion.access.services_users import TooManyAttempts, user_password_change

    try:
        user_password_change(
            user=request.auth,
            old_password=payload.old_password,
            new_password=payload.new_password,
            ip_address=client_ip(request),
        )
    except TooManyAttempts as exc:
        raise ApiError(429, "too_many_attempts", _("尝试次数过多，请 15 分钟后再试")) from exc
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise ValidationError({"new_password": exc.messages}) from exc
        raise
    if bearer_key(request) is None:  # the web session stays signed in
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(request, request.auth)
    return Status(204, None)


@router.get("/tokens", response=list[TokenOut])
def token_list(request):
    return selectors.api_token_list(user=request.auth)


@router.post("/tokens", response={201: TokenCreated})
def token_create(request, response: HttpResponse, payload: TokenIn):
    """The key is shown once: `no-store` keeps it out of caches and idempotency records.

    Only a signed-in session creates tokens: a request made with a token gets 403, so
    that a token never outlives the revocation of the one that made it
    (docs/decisions/0010)."""
    if bearer_key(request) is not None:
        raise ApiError(
            403,
            "token_cannot_create_tokens",
            _("API令牌不能用来创建新的令牌，请登录网页在“API令牌”页面创建"),
        )
    response["Cache-Control"] = "no-store"
    token, key = services.api_token_create(
        actor=request.auth, user=request.auth, name=payload.name, expires_at=payload.expires_at
    )
    return Status(201, {"token": token, "key": key})


@router.api_operation(["DELETE"], "/tokens/{public_id}", response={204: None})
def token_revoke(request, public_id: uuid.UUID):
    token = selectors.api_token_get(user=request.auth, public_id=public_id)
    services.api_token_revoke(actor=request.auth, token=token)
    return Status(204, None)


@router.get("/notifications", response=list[NotificationOut])
@paginate(PageNumberPagination, page_size=50)
def notification_list(request, unread: bool = False):
    return selectors.notification_list(user=request.auth, unread=unread)


@router.post("/notifications/{public_id}/read", response=NotificationOut)
def notification_read(request, public_id: uuid.UUID):
    notification = selectors.notification_get(user=request.auth, public_id=public_id)
    return services.notification_mark_read(user=request.auth, notification=notification)


@router.get("/audit", response=list[AuditEntryOut])
@paginate(PageNumberPagination, page_size=50)
def audit_list(
    request,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
):
    filters = selectors.AuditFilters(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        date_from=date_from,
        date_to=date_to,
    )
    return selectors.audit_list(user=request.auth, filters=filters)


@router.post("/people/{public_id}/reveal", response=RevealOut)
def person_reveal(request, response: HttpResponse, public_id: uuid.UUID, payload: RevealIn):
    """The clear value, audited; `no-store` keeps it out of caches and idempotency records."""
    from bastion.people.selectors import person_get

    response["Cache-Control"] = "no-store"

    person = person_get(user=request.auth, public_id=public_id, perm=Perm.PII_REVEAL)
    value = services.pii_reveal(
        actor=request.auth,
        person=person,
        field=payload.field,
        reason=payload.reason,
        ip_address=client_ip(request),
    )
    return {"value": value}
