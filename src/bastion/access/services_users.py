"""Writes for managing users: create and deactivate accounts, grant and withdraw roles,
add and remove responsibility assignments (包片、包户、包人) — each checked against what
the acting manager may do, then handed to the plain services in access.services.

The rule for grants: a manager (a holder of Perm.USER_MANAGE) grants only inside her
subtree and only roles at or below her own level there (ROLE_RANK); a county command
role is granted only by a county command; nobody becomes a superuser here.
"""

from __future__ import annotations

import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.models import ApiToken, Assignment, RoleAssignment, User
from bastion.access.roles import ROLE_PERMISSIONS, Perm, Role
from bastion.access.scoping import can_on_path, forget_scope
from bastion.access.services import (
    assignment_create,
    assignment_delete,
    assignment_target,
    role_assign,
    role_revoke,
)
from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_name
from bastion.geo.models import LEVEL_RANK, Household, Region
from bastion.people.models import Person

# How high a role sits: 0 is county level. A manager grants roles whose rank is at
# least her own rank at that place.
ROLE_RANK: dict[str, int] = {
    Role.COUNTY_COMMAND: 0,
    Role.ORG_DEPARTMENT: 0,
    Role.AUDITOR: 0,
    Role.TOWN_OFFICER: 1,
    Role.WAREHOUSE_KEEPER: 1,
    Role.COMMUNITY_OFFICER: 2,
    Role.GRID_WORKER: 3,
    Role.TEAM_MEMBER: 3,
    Role.VOLUNTEER: 3,
    Role.ORG_OFFICER: 1,
}
# Roles granted over an organization subtree (by the party app), never over a region.
ORG_ONLY_ROLES = frozenset({Role.ORG_OFFICER})
# Roles tied to a level of the tree: a town officer is granted at a town or below, etc.
MIN_REGION_RANK: dict[str, int] = {
    Role.TOWN_OFFICER: 1,
    Role.COMMUNITY_OFFICER: 2,
    Role.GRID_WORKER: 3,
}
MANAGER_ROLES = frozenset(r for r, perms in ROLE_PERMISSIONS.items() if Perm.USER_MANAGE in perms)

PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "lIO0o1")
PASSWORD_LENGTH = 14


def generate_password() -> str:
    """A strong one-time password without look-alike characters (l, I, 1, O, 0, o)."""
    while True:
        candidate = "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(PASSWORD_LENGTH))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
        ):
            return candidate


def _is_superuser(actor) -> bool:
    return bool(getattr(actor, "is_superuser", False))


def manager_rank_at(actor, path: str | None = None) -> int | None:
    """The actor's best (lowest) managing rank over region `path` (anywhere when None);
    None if she manages nothing there. A superuser ranks -1 (above everyone).
    """
    if _is_superuser(actor):
        return -1
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    ranks = [
        ROLE_RANK[role]
        for role, region_path in RoleAssignment.objects.filter(
            user=actor, role__in=MANAGER_ROLES, region__isnull=False
        ).values_list("role", "region_path")
        if path is None or path.startswith(region_path)
    ]
    return min(ranks) if ranks else None


def grantable_roles(actor, path: str | None = None) -> list[str]:
    """Roles the actor may grant (or withdraw) at region `path` (anywhere when None)."""
    rank = manager_rank_at(actor, path)
    if rank is None:
        return []
    return [r for r in Role.values if ROLE_RANK[r] >= rank and r not in ORG_ONLY_ROLES]


def _check_grant(*, actor, user: User, role: str, region: Region | None) -> None:
    """Raise ValidationError unless `actor` may grant or withdraw `role` at `region` for `user`."""
    if role not in Role.values:
        raise ValidationError({"role": [_("未知角色：%(role)s") % {"role": role}]})
    if region is None:
        raise ValidationError({"region": [_("请选择区域")]})
    if role in ORG_ONLY_ROLES:
        raise ValidationError({"role": [_("该角色只能在党组织中授予")]})
    if not _is_superuser(actor):
        if user.pk == actor.pk:
            raise ValidationError(_("不能修改自己的角色"))
        if user.is_superuser:
            raise ValidationError(_("不能修改系统管理员的角色"))
    if not can_on_path(actor, Perm.USER_MANAGE, region.path):
        raise ValidationError({"region": [_("该区域不在你的管辖范围内")]})
    rank = manager_rank_at(actor, region.path)
    if rank is None or ROLE_RANK[role] < rank:
        raise ValidationError(
            {"role": [_("你不能授予或撤销“%(role)s”角色") % {"role": Role(role).label}]}
        )
    if LEVEL_RANK[region.level] < MIN_REGION_RANK.get(role, 0):
        raise ValidationError(
            {
                "region": [
                    _("“%(role)s”不能授予在“%(region)s”这一级")
                    % {"role": Role(role).label, "region": region.get_level_display()}
                ]
            }
        )


# --- Users ----------------------------------------------------------------------------


def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    password: str | None = None,
    email: str = "",
    role: str | None = None,
    region: Region | None = None,
) -> tuple[User, str]:
    """Create an account and return it with its password (generated when not given).

    A manager must grant a first role in her subtree at once, so that the new user is
    visible to her; only a superuser may create a user without a role.
    """
    username = (username or "").strip()
    full_name = (full_name or "").strip()
    email = (email or "").strip()
    if not full_name:
        raise ValidationError({"full_name": [_("请填写姓名")]})
    if role or region or not _is_superuser(actor):
        if not role:
            raise ValidationError({"role": [_("请选择角色")]})
        # The new user has no pk yet; a sentinel keeps the self-check from matching.
        _check_grant(actor=actor, user=User(pk=-1), role=role, region=region)
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        is_active=True,
        # a password someone else chose is for the first sign-in only
        must_change_password=getattr(actor, "is_authenticated", False),
    )
    generated = password is None or password == ""
    raw = generate_password() if generated else password
    if not generated:
        validate_password(raw, user)
    user.set_password(raw)
    user.full_clean()
    with transaction.atomic():
        user.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=user,
            object_repr=user.username,
            path=region.path if region else "",
            changes={
                "username": [None, user.username],
                "full_name": [None, mask_name(user.full_name)],
                "email": [None, _mask_email(user.email)],
            },
        )
        if role and region is not None:
            role_assign(actor=actor, user=user, role=role, region=region)
    return user, raw


def _mask_email(email: str) -> str:
    if not email:
        return ""
    name, _at, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"


def _check_manage_all_grants(*, actor, user: User) -> str:
    """Raise unless the actor could withdraw every grant of `user`; return the user's home path."""
    if not _is_superuser(actor):
        if user.pk == actor.pk:
            raise ValidationError(_("不能停用或启用自己的账号"))
        if user.is_superuser:
            raise ValidationError(_("不能停用或启用系统管理员"))
    grants = list(RoleAssignment.objects.filter(user=user).select_related("region"))
    if not grants and not _is_superuser(actor):
        raise Http404
    for grant in grants:
        if grant.region is None:
            raise ValidationError(_("该用户持有组织范围的角色，请由上级处理"))
        try:
            _check_grant(actor=actor, user=user, role=grant.role, region=grant.region)
        except ValidationError as exc:
            raise ValidationError(_("该用户还持有你无权撤销的角色，请由上级处理")) from exc
    return min((g.region_path for g in grants), key=len, default="")


def _user_set_active(*, actor, user: User, active: bool) -> User:
    path = _check_manage_all_grants(actor=actor, user=user)
    if user.is_active == active:
        return user
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        user.is_active = active
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=user,
            object_repr=user.username,
            path=path,
            changes={"is_active": [not active, active]},
        )
    forget_scope(user)
    return user


def user_password_reset(*, actor, user: User) -> str:
    """Give `user` a new one-time password (returned once), to be changed at her next
    sign-in; only a manager who could withdraw all her grants may. Audited."""
    path = _check_manage_all_grants(actor=actor, user=user)
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError(_("请在“修改密码”页面修改自己的密码"))
    raw = generate_password()
    _password_save(user, raw, by_manager=True, actor=actor, path=path)
    return raw


def _password_save(
    user: User, raw: str, *, by_manager: bool, actor, path: str, ip_address: str | None = None
) -> None:
    """Set the password (a manager's is for one sign-in only), revoke the user's API
    tokens (a new password is what someone does who fears the old one leaked, and a
    token must not outlive it) and audit both."""
    with transaction.atomic():
        user.set_password(raw)
        user.must_change_password = by_manager
        user.save(update_fields=["password", "must_change_password"])
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), updated_at=timezone.now()
        )
        changes = {"password": "reset" if by_manager else "changed"}
        if revoked:
            changes["api_tokens_revoked"] = revoked
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=user,
            object_repr=user.username,
            path=path,
            changes=changes,
            ip_address=ip_address,
        )


PASSWORD_ATTEMPTS = 5  # per user and PASSWORD_ATTEMPT_WINDOW, right or wrong
PASSWORD_ATTEMPT_WINDOW = 15 * 60


class TooManyAttempts(Exception):
    """The user tried to change her password too often; wait and try again."""


def user_password_change(
    *, user: User, old_password: str, new_password: str, ip_address: str | None = None
) -> User:
    """The user sets her own password: the current one must be right (attempts are
    limited), the new one must pass the password rules and differ from it. Audited
    (never the passwords)."""
    from bastion.core.ratelimit import rate_limit_hit

    if rate_limit_hit(
        "password_change",
        str(user.pk),
        limit=PASSWORD_ATTEMPTS,
        window_seconds=PASSWORD_ATTEMPT_WINDOW,
    ):
        raise TooManyAttempts
    if not user.check_password(old_password or ""):
        raise ValidationError({"old_password": [_("原密码不正确")]})
    if new_password == old_password:
        raise ValidationError({"new_password": [_("新密码不能与原密码相同")]})
    validate_password(new_password, user)
    _password_save(
        user, new_password, by_manager=False, actor=user, path=_home_path(user),
        ip_address=ip_address,
    )  # fmt: skip
    return user


def _home_path(user: User) -> str:
    from bastion.access.auth_events import home_path

    return home_path(user)


def user_deactivate(*, actor, user: User) -> User:
    """Stop a user from signing in (sessions and API tokens stop working at once)."""
    return _user_set_active(actor=actor, user=user, active=False)


def user_reactivate(*, actor, user: User) -> User:
    return _user_set_active(actor=actor, user=user, active=True)


# --- Role grants ----------------------------------------------------------------------


def role_grant(*, actor, user: User, role: str, region: Region) -> RoleAssignment:
    """Grant `role` at `region` to `user`, if the actor may (see the module docstring)."""
    _check_grant(actor=actor, user=user, role=role, region=region)
    if RoleAssignment.objects.filter(user=user, role=role, region=region, org_path="").exists():
        raise ValidationError({"role": [_("该用户在此区域已拥有这个角色")]})
    return role_assign(actor=actor, user=user, role=role, region=region)


def role_withdraw(*, actor, grant: RoleAssignment) -> None:
    """Take back one grant, if the actor could have granted it."""
    _check_grant(actor=actor, user=grant.user, role=grant.role, region=grant.region)
    role_revoke(actor=actor, grant=grant)


# --- Responsibility assignments ---------------------------------------------------------


def assignment_add(
    *,
    actor,
    user: User,
    kind: str,
    region: Region | None = None,
    household: Household | None = None,
    person: Person | None = None,
) -> Assignment:
    """Make `user` answer for a grid, household or person inside the actor's subtree.

    Http404 when the target lies outside the actor's Perm.ASSIGNMENT_MANAGE subtree.
    """
    target = assignment_target(kind=kind, region=region, household=household, person=person)
    if target is not None and not can_on_path(actor, Perm.ASSIGNMENT_MANAGE, target.path):
        raise Http404
    if not user.is_active:
        raise ValidationError({"user": [_("该用户已停用")]})
    return assignment_create(
        actor=actor, user=user, kind=kind, region=region, household=household, person=person
    )


def assignment_remove(*, actor, assignment: Assignment) -> None:
    if not can_on_path(actor, Perm.ASSIGNMENT_MANAGE, assignment.path):
        raise Http404
    assignment_delete(actor=actor, assignment=assignment)
