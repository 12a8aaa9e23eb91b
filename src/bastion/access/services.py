"""Writes of the access app: grants, assignments, tokens, PII reveal, notifications, TOTP.

Every grant, revoke and reveal writes an audit entry. `notify` is the one function
other apps use to put a message in someone's inbox.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.apiauth import TOKEN_PREFIX, token_hash
from bastion.access.models import (
    ApiToken,
    Assignment,
    AssignmentKind,
    Notification,
    RoleAssignment,
    User,
)
from bastion.access.roles import Perm, Role
from bastion.access.scoping import forget_scope
from bastion.core.audit import Action, audit_record
from bastion.core.i18n import Msg, source_text
from bastion.geo.models import Household, Level, Region
from bastion.people.identity import reveal_id_number, reveal_phone
from bastion.people.models import Person

REVEAL_FIELDS = ("id_number", "phone")
REVEAL_REASON_MIN = 4
NOTIFICATION_LEVELS = ("info", "warning", "danger", "success")

_Grant = TypeVar("_Grant", RoleAssignment, Assignment)


# --- Grants: the shared write path of roles and assignments ------------------------------


def _grant_save(*, actor, record: _Grant, changes: dict) -> _Grant:
    """Validate and save a new role or responsibility assignment, audit it as a grant on
    its user, and drop the user's cached scope."""
    record.full_clean()
    with transaction.atomic():
        record.save()
        audit_record(
            actor=actor,
            action=Action.GRANT,
            obj=record.user,
            path=_grant_path(record),
            changes=changes,
        )
    forget_scope(record.user)
    return record


def _grant_delete(*, actor, record: RoleAssignment | Assignment, changes: dict) -> None:
    """Delete a role or responsibility assignment, audit it as a revoke, drop the scope."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Action.REVOKE,
            obj=record.user,
            path=_grant_path(record),
            changes=changes,
        )
        record.delete()
    forget_scope(record.user)


def _grant_path(record: RoleAssignment | Assignment) -> str:
    return record.region_path if isinstance(record, RoleAssignment) else record.path


# --- Roles ----------------------------------------------------------------------


def role_assign(
    *, actor, user: User, role: str, region: Region | None = None, org_path: str = ""
) -> RoleAssignment:
    """Grant `role` over a region subtree (or an organization subtree)."""
    if role not in Role.values:
        raise ValidationError({"role": [_("未知角色：%(role)s") % {"role": role}]})
    grant = RoleAssignment(
        user=user,
        role=role,
        region=region,
        region_path=region.path if region else "",
        org_path=org_path,
        granted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return _grant_save(
        actor=actor,
        record=grant,
        changes={"role": [None, role], "region": [None, region.code if region else org_path]},
    )


def role_revoke(*, actor, grant: RoleAssignment) -> None:
    """Take back one role assignment."""
    _grant_delete(
        actor=actor,
        record=grant,
        changes={
            "role": [grant.role, None],
            "region": [grant.region.code if grant.region else grant.org_path, None],
        },
    )


# --- Responsibility assignments (包片、包户、包人) ------------------------------------


ASSIGNMENT_TARGET_FIELDS = {
    AssignmentKind.GRID: "region",
    AssignmentKind.HOUSEHOLD: "household",
    AssignmentKind.PERSON: "person",
}


def assignment_target(
    *,
    kind: str,
    region: Region | None = None,
    household: Household | None = None,
    person: Person | None = None,
) -> Region | Household | Person | None:
    """The object a `kind` assignment is about (region for 包片, household for 包户, person
    for 包人); None when the kind is unknown or its target is missing."""
    field = ASSIGNMENT_TARGET_FIELDS.get(kind)
    return {"region": region, "household": household, "person": person}.get(field or "")


def assignment_create(
    *,
    actor,
    user: User,
    kind: str,
    region: Region | None = None,
    household: Household | None = None,
    person: Person | None = None,
) -> Assignment:
    """Make `user` answer for a grid, a household or a person; the path comes from the target.

    No scope check on the actor (callers decide who may: access.services_users for
    managers, the monitoring team seats for their members); a second identical
    assignment is refused.
    """
    if kind not in ASSIGNMENT_TARGET_FIELDS:
        raise ValidationError({"kind": [_("未知的包保类型：%(kind)s") % {"kind": kind}]})
    target = assignment_target(kind=kind, region=region, household=household, person=person)
    if target is None:
        raise ValidationError({kind: [_("请选择包保对象")]})
    if kind == AssignmentKind.GRID and target.level != Level.GRID:
        raise ValidationError({"region": [_("包片的对象必须是网格")]})
    field = ASSIGNMENT_TARGET_FIELDS[kind]
    if Assignment.objects.filter(user=user, kind=kind, **{field: target}).exists():
        raise ValidationError({"user": [_("该用户已经负责这个对象")]})
    assignment = Assignment(user=user, kind=kind, path=target.path, **{field: target})
    return _grant_save(
        actor=actor,
        record=assignment,
        changes={"assignment": [None, kind], "target": [None, str(target.public_id)]},
    )


def assignment_delete(*, actor, assignment: Assignment) -> None:
    target = assignment.region or assignment.household or assignment.person
    _grant_delete(
        actor=actor,
        record=assignment,
        changes={
            "assignment": [assignment.kind, None],
            "target": [str(target.public_id) if target else "", None],
        },
    )


def assignments_follow_person(*, actor, person: Person) -> int:
    """包人 assignments carry the person's region path (for the managers who see them):
    keep it in step when the person moves (people.services.person_relocated)."""
    return (
        Assignment.objects.filter(kind=AssignmentKind.PERSON, person=person)
        .exclude(path=person.path)
        .update(path=person.path)
    )


# --- API tokens -------------------------------------------------------------------


def api_token_create(
    *, actor, user: User, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a personal token. The raw key is returned once; only its SHA-256 is stored."""
    if actor != user and not getattr(actor, "is_superuser", False):
        raise ValidationError(_("只能为自己创建令牌"))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": [_("过期时间必须晚于当前时间")]})
    raw_key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=raw_key[:12],
        key_hash=token_hash(raw_key),
        expires_at=expires_at,
    )
    token.full_clean()
    with transaction.atomic():
        token.save()
        audit_record(
            actor=actor,
            action=Action.GRANT,
            obj=token,
            object_repr=f"{token.name} ({token.prefix}…)",
            changes={"api_token": [None, token.prefix]},
        )
    return token, raw_key


def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.REVOKE,
            obj=token,
            object_repr=f"{token.name} ({token.prefix}…)",
            changes={"api_token": [token.prefix, None]},
        )
    return token


# --- Personal data reveal ---------------------------------------------------------------


def pii_reveal(
    *, actor, person: Person, field: str, reason: str, ip_address: str | None = None
) -> str:
    """Decrypt one identifier of a person for `actor`, with a stated reason, and audit it.

    Http404 when the person is outside the actor's PII_REVEAL scope. The audit entry
    names the field and the reason, never the value.
    """
    from bastion.people.selectors import person_get

    person = person_get(user=actor, public_id=person.public_id, perm=Perm.PII_REVEAL)
    if field not in REVEAL_FIELDS:
        raise ValidationError({"field": [_("只能查看身份证号或手机号")]})
    reason = (reason or "").strip()
    if len(reason) < REVEAL_REASON_MIN:
        raise ValidationError(
            {"reason": [_("请填写查看原因（至少 %(n)d 个字）") % {"n": REVEAL_REASON_MIN}]}
        )
    value = reveal_id_number(person) if field == "id_number" else reveal_phone(person)
    audit_record(
        actor=actor,
        action=Action.REVEAL,
        obj=person,
        changes={"field": field},
        reason=reason,
        ip_address=ip_address,
    )
    return value


# --- Notifications ----------------------------------------------------------------------


def notify(
    *,
    recipient: User,
    title: str | Msg,
    body: str | Msg = "",
    link: str = "",
    level: str = "info",
) -> Notification:
    """Put a message in the recipient's inbox; copy it by email when email is configured.

    Give `title` / `body` as a `core.i18n.Msg` so that each reader sees them in her own
    language (a plain string is shown as written).
    """
    notification = Notification(
        recipient=recipient,
        title=source_text(title)[:200],
        body=source_text(body),
        title_message=title.as_json() if isinstance(title, Msg) else {},
        body_message=body.as_json() if isinstance(body, Msg) else {},
        link=link,
        level=level if level in NOTIFICATION_LEVELS else "info",
    )
    notification.full_clean()
    with transaction.atomic():
        notification.save()
        if settings.EMAIL_HOST and recipient.email:
            from bastion.access.tasks import email_notification

            notification_id = notification.pk
            transaction.on_commit(lambda: email_notification(notification_id))
    return notification


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        from django.http import Http404

        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- TOTP devices -----------------------------------------------------------------------


def totp_device_prepare(*, user: User):
    """The user's unconfirmed TOTP device (created on first call) for the setup page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


def totp_device_confirm(*, user: User, device, token: str) -> bool:
    """Confirm a new device with its first code; audited."""
    with transaction.atomic():
        if device.user_id != user.pk or not device.verify_token(token.strip()):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            actor=user,
            action=Action.CREATE,
            object_type="otp_totp.totpdevice",
            object_id=str(device.pk),
            object_repr=_("动态口令设备"),
        )
    return True
