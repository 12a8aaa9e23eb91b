"""Logins around the party tree: the organization officer role (党组织管理员) granted over
an organization, and a member's own login for self-service (docs/decisions/0021).

Grants go through `access.services.role_assign` / `role_revoke`, which audit them and
forget the user's cached scope. Only someone who manages an organization
(Perm.PARTY_MANAGE there) grants or withdraws the role over it or below it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.access.models import RoleAssignment
from bastion.access.roles import Perm, Role
from bastion.access.services import role_assign, role_revoke
from bastion.access.services_users import generate_password
from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_name
from bastion.geo.models import Level, Region
from bastion.party.models import Organization, PartyMember
from bastion.party.services.common import clean, require

USERNAME_MAX = 150


def _new_login(*, actor, username: str, full_name: str, path: str):
    """A new active account with a generated password: (user, password shown once)."""
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": [_("请填写用户名")]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("用户名 %(u)s 已被使用") % {"u": username}]})
    password = generate_password()
    user = User(username=username, full_name=clean(full_name, 60), is_active=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=user,
        object_repr=user.username,
        path=path,
        changes={"username": [None, user.username], "full_name": [None, mask_name(user.full_name)]},
    )
    return user, password


def _check_target(actor, user) -> None:
    if not user.is_active:
        raise ValidationError({"user": [_("该用户已停用")]})
    if user.is_superuser:
        raise ValidationError({"user": [_("不能修改系统管理员的角色")]})
    if getattr(actor, "pk", None) == user.pk:
        raise ValidationError({"user": [_("不能修改自己的角色")]})


# --- The organization officer role --------------------------------------------------------


def org_officer_grant(*, actor, organization: Organization, user) -> RoleAssignment:
    """Make `user` an organization officer over `organization` and everything below it."""
    require(
        actor, Perm.PARTY_MANAGE, org_path=organization.path, region_path=organization.region_path
    )
    _check_target(actor, user)
    if RoleAssignment.objects.filter(
        user=user, role=Role.ORG_OFFICER, org_path=organization.path
    ).exists():
        raise ValidationError({"user": [_("该用户已是此党组织的管理员")]})
    return role_assign(actor=actor, user=user, role=Role.ORG_OFFICER, org_path=organization.path)


def org_officer_account_create(
    *, actor, organization: Organization, username: str, full_name: str
) -> tuple[RoleAssignment, str]:
    """A new login that is organization officer over `organization`; the password is
    returned once, to be handed over."""
    require(
        actor, Perm.PARTY_MANAGE, org_path=organization.path, region_path=organization.region_path
    )
    if not clean(full_name, 60):
        raise ValidationError({"full_name": [_("请填写姓名")]})
    with transaction.atomic():
        user, password = _new_login(
            actor=actor, username=username, full_name=full_name, path=organization.region_path
        )
        grant = role_assign(
            actor=actor, user=user, role=Role.ORG_OFFICER, org_path=organization.path
        )
    return grant, password


def org_officer_revoke(*, actor, grant: RoleAssignment) -> None:
    """Withdraw one organization-officer grant the actor could have made."""
    if grant.role != Role.ORG_OFFICER or not grant.org_path:
        raise ValidationError({"grant": [_("这不是党组织管理员授权")]})
    organization = Organization.objects.filter(path=grant.org_path).first()
    require(
        actor,
        Perm.PARTY_MANAGE,
        org_path=grant.org_path,
        region_path=organization.region_path if organization else "",
    )
    if getattr(actor, "pk", None) == grant.user_id:
        raise ValidationError({"user": [_("不能修改自己的角色")]})
    role_revoke(actor=actor, grant=grant)


# --- A member's own login -----------------------------------------------------------------


def _home_community(member: PartyMember) -> Region | None:
    region = member.person.region
    while region is not None and region.level not in (Level.COMMUNITY, Level.VILLAGE):
        region = region.parent
    return region


def _link(*, actor, member: PartyMember, user, created: bool) -> None:
    PartyMember.objects.filter(pk=member.pk).update(user=user)
    member.user = user
    community = _home_community(member)
    if (
        community is not None
        and not RoleAssignment.objects.filter(
            user=user, role=Role.VOLUNTEER, region=community
        ).exists()
    ):
        role_assign(actor=actor, user=user, role=Role.VOLUNTEER, region=community)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=member,
        object_repr=f"{member.person.name} {member.person.id_number_masked}",
        path=member.region_path,
        changes={"login": [None, user.username], "new_account": created},
    )


def member_account_create(*, actor, member: PartyMember, username: str) -> tuple[object, str]:
    """Create the member's own login, linked to the member, with the volunteer role at
    their home community; returns (user, password shown once)."""
    require(actor, Perm.PARTY_MANAGE, org_path=member.org_path, region_path=member.region_path)
    if member.user_id is not None:
        raise ValidationError({"username": [_("该党员已有登录账号")]})
    with transaction.atomic():
        user, password = _new_login(
            actor=actor, username=username, full_name=member.person.name, path=member.region_path
        )
        _link(actor=actor, member=member, user=user, created=True)
    return user, password


def member_account_link(*, actor, member: PartyMember, user) -> PartyMember:
    """Link an existing login to the member (a cadre who already has an account)."""
    require(actor, Perm.PARTY_MANAGE, org_path=member.org_path, region_path=member.region_path)
    if member.user_id is not None:
        raise ValidationError({"username": [_("该党员已有登录账号")]})
    if not user.is_active or user.is_superuser:
        raise ValidationError({"username": [_("该账号不能关联到党员")]})
    if PartyMember.objects.filter(user=user).exists():
        raise ValidationError({"username": [_("该账号已关联到其他党员")]})
    with transaction.atomic():
        _link(actor=actor, member=member, user=user, created=False)
    return member


def member_account_unlink(*, actor, member: PartyMember) -> PartyMember:
    """Detach the login from the member (the account itself stays; its manager may
    deactivate it)."""
    require(actor, Perm.PARTY_MANAGE, org_path=member.org_path, region_path=member.region_path)
    if member.user_id is None:
        return member
    username = member.user.username
    with transaction.atomic():
        PartyMember.objects.filter(pk=member.pk).update(user=None)
        member.user = None
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=member,
            object_repr=f"{member.person.name} {member.person.id_number_masked}",
            path=member.region_path,
            changes={"login": [username, None]},
        )
    return member
