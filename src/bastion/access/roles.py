"""Roles and what each may do. One table; `permissions.user_can` reads it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_COMMAND = "county_command", _("县指挥部")
    ORG_DEPARTMENT = "org_department", _("组织部")
    TOWN_OFFICER = "town_officer", _("镇街干部")
    COMMUNITY_OFFICER = "community_officer", _("村社区干部")
    GRID_WORKER = "grid_worker", _("网格员")
    TEAM_MEMBER = "team_member", _("责任组成员")
    VOLUNTEER = "volunteer", _("志愿者")
    WAREHOUSE_KEEPER = "warehouse_keeper", _("仓库管理员")
    AUDITOR = "auditor", _("审计员")


class Perm:
    """Permission codes. Kept as plain strings so every app can name them without imports."""

    REGION_VIEW = "geo.view"
    REGION_CHANGE = "geo.change"
    REGION_IMPORT = "geo.import"
    PERSON_VIEW = "people.view"
    PERSON_CHANGE = "people.change"
    PERSON_IMPORT = "people.import"
    PII_REVEAL = "people.reveal"
    ASSIGNMENT_MANAGE = "access.assign"
    USER_MANAGE = "access.users"  # create users, grant roles inside one's subtree
    AUDIT_VIEW = "access.audit"
    INDICATOR_VIEW = "reports.view"
    POLICY_MANAGE = "monitoring.policy"  # observation policies, team templates, risk areas


_FIELD = {Perm.REGION_VIEW, Perm.PERSON_VIEW, Perm.PERSON_CHANGE, Perm.INDICATOR_VIEW}
_OFFICER = _FIELD | {
    Perm.PERSON_IMPORT,
    Perm.PII_REVEAL,
    Perm.ASSIGNMENT_MANAGE,
    Perm.USER_MANAGE,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COUNTY_COMMAND: frozenset(
        _OFFICER | {Perm.REGION_CHANGE, Perm.REGION_IMPORT, Perm.POLICY_MANAGE}
    ),
    Role.ORG_DEPARTMENT: frozenset({Perm.REGION_VIEW, Perm.INDICATOR_VIEW}),
    Role.TOWN_OFFICER: frozenset(_OFFICER | {Perm.REGION_CHANGE}),
    Role.COMMUNITY_OFFICER: frozenset(_OFFICER),
    Role.GRID_WORKER: frozenset(_FIELD | {Perm.PERSON_IMPORT, Perm.PII_REVEAL}),
    Role.TEAM_MEMBER: frozenset({Perm.PERSON_VIEW, Perm.PII_REVEAL}),
    Role.VOLUNTEER: frozenset({Perm.REGION_VIEW}),
    Role.WAREHOUSE_KEEPER: frozenset({Perm.REGION_VIEW}),
    Role.AUDITOR: frozenset(
        {Perm.REGION_VIEW, Perm.PERSON_VIEW, Perm.AUDIT_VIEW, Perm.INDICATOR_VIEW}
    ),
}

# Roles whose holders must pass a TOTP second factor.
TOTP_ROLES = frozenset({Role.COUNTY_COMMAND})
