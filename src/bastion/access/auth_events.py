"""Audit of logins and failed logins, on Django's own auth signals.

Signals (not the login view) so that every way in is covered: the login page, the
admin login, and password checks made elsewhere. Passwords are never recorded.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed

from bastion.core.audit import Action, audit_record, client_ip


def home_path(user) -> str:
    """The shortest region path of the user's roles, so the right auditors see the entry."""
    paths = [p for p in user.roles.values_list("region_path", flat=True) if p]
    return min(paths, key=len) if paths else ""


def on_logged_in(sender, request, user, **kwargs) -> None:
    audit_record(
        actor=user,
        action=Action.LOGIN,
        obj=user,
        path=home_path(user),
        ip_address=client_ip(request),
    )


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str((credentials or {}).get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first() if username else None
    changes = {}
    if request is not None and getattr(request, "axes_locked_out", False):
        changes["locked_out"] = True
    audit_record(
        actor=None,
        action=Action.LOGIN_FAILED,
        object_type="access.user",
        object_id=str(user.public_id) if user else "",
        object_repr=username,
        path=home_path(user) if user else "",
        changes=changes,
        ip_address=client_ip(request),
    )


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="bastion_audit_login")
    user_login_failed.connect(on_login_failed, dispatch_uid="bastion_audit_login_failed")
