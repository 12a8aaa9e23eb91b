"""The audit trail: one function writes every entry, so nothing is audited differently."""

from __future__ import annotations

from typing import Any

from bastion.core.models import AuditEntry


class Action:
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    MERGE = "merge"
    LINK = "link"  # another registry (party membership) points at the person
    REVEAL = "reveal"
    IMPORT = "import"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    GRANT = "grant"
    REVOKE = "revoke"


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    path: str = "",
    changes: dict | None = None,
    reason: str = "",
    ip_address: str | None = None,
) -> AuditEntry:
    """Write one audit entry. `changes` must already hold masked values, never clear identifiers."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", "") or obj.pk)
        object_repr = object_repr or str(obj)[:200]
        path = path or getattr(obj, "path", "") or ""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_name=(str(actor) if is_user else "system")[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        path=path,
        changes=changes or {},
        reason=reason[:500],
        ip_address=ip_address,
    )


def client_ip(request) -> str | None:
    """The caller's address: REMOTE_ADDR, or the first X-Forwarded-For hop behind a trusted proxy."""
    from django.conf import settings

    if request is None:
        return None
    if getattr(settings, "BASTION_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None
