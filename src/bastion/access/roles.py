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
    ORG_OFFICER = "org_officer", _("党组织管理员")


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
    EXPORT_PII = "reports.export_pii"  # export files that contain personal data (masked)

    # Party organizations (scoped by region subtree or organization subtree)
    PARTY_VIEW = "party.view"  # organizations, members, teams, zones, posts, calls
    PARTY_MANAGE = "party.manage"  # change them; answer calls; record expenses
    REGISTRATION_CONFIRM = "party.registration"  # confirm community registrations (报到)
    PARTY_FEES = "party.fees"  # grant party fees to grassroots organizations
    CADRE_OBSERVE = "party.cadre"  # cadre observations: organization department only
    EXEMPLAR_REVIEW = "party.exemplar"  # review and publish exemplary deeds

    # Screening campaigns
    CAMPAIGN_VIEW = "campaigns.view"
    CAMPAIGN_MANAGE = "campaigns.manage"  # campaigns, venues, materials
    VISIT_RECORD = "campaigns.visit"  # household visits, venue inspections
    CONTACT_TRACE = "campaigns.trace"  # who was at a venue: case reference + purpose, audited

    # Volunteer tasks
    VOLUNTEER_VIEW = "volunteers.view"
    TASK_PUBLISH = "volunteers.publish"  # publish tasks, confirm attendance, dispatch orders
    TASK_CLAIM = "volunteers.claim"  # claim tasks, check in and out, accept service orders

    # Donations and supplies
    SUPPLIES_VIEW = "supplies.view"
    DONATION_MANAGE = "supplies.donations"  # donors, donations, items
    STOCK_MANAGE = "supplies.stock"  # warehouse ledger entries
    ALLOCATION_REQUEST = "supplies.request"  # a unit asks for supplies, confirms receipt
    ALLOCATION_APPROVE = "supplies.approve"  # the command approves allocations

    # Command headquarters
    COMMAND_VIEW = "command.view"  # directives, notices and incidents addressed to one's units
    DIRECTIVE_ISSUE = "command.issue"  # meetings, directives, notices to units below
    INCIDENT_REPORT = "command.report"
    INCIDENT_HANDLE = "command.handle"  # register, dispatch, handle, verify, close
    DAILY_FORM = "command.daily"  # file a unit's daily form

    # Dashboards and the daily briefing
    BRIEFING_WRITE = "reports.briefing"  # draft, edit and publish daily briefings (工作简报)


_FIELD = {Perm.REGION_VIEW, Perm.PERSON_VIEW, Perm.PERSON_CHANGE, Perm.INDICATOR_VIEW}
_OFFICER = _FIELD | {
    Perm.PERSON_IMPORT,
    Perm.PII_REVEAL,
    Perm.ASSIGNMENT_MANAGE,
    Perm.USER_MANAGE,
}

# What every officer of a region (town, community) does in the domain apps.
_UNIT = {
    Perm.PARTY_VIEW,
    Perm.CAMPAIGN_VIEW,
    Perm.CAMPAIGN_MANAGE,
    Perm.VISIT_RECORD,
    Perm.VOLUNTEER_VIEW,
    Perm.TASK_PUBLISH,
    Perm.SUPPLIES_VIEW,
    Perm.ALLOCATION_REQUEST,
    Perm.COMMAND_VIEW,
    Perm.INCIDENT_REPORT,
    Perm.INCIDENT_HANDLE,
    Perm.DAILY_FORM,
}
# Read-only views of every domain, for auditors.
_READ_ALL = {
    Perm.PARTY_VIEW,
    Perm.CAMPAIGN_VIEW,
    Perm.VOLUNTEER_VIEW,
    Perm.SUPPLIES_VIEW,
    Perm.COMMAND_VIEW,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COUNTY_COMMAND: frozenset(
        _OFFICER
        | _UNIT
        | {
            Perm.REGION_CHANGE,
            Perm.REGION_IMPORT,
            Perm.POLICY_MANAGE,
            Perm.EXPORT_PII,
            Perm.EXEMPLAR_REVIEW,
            Perm.CONTACT_TRACE,
            Perm.DONATION_MANAGE,
            Perm.ALLOCATION_APPROVE,
            Perm.DIRECTIVE_ISSUE,
            Perm.BRIEFING_WRITE,
        }
    ),
    Role.ORG_DEPARTMENT: frozenset(
        {
            Perm.REGION_VIEW,
            Perm.INDICATOR_VIEW,
            Perm.PARTY_VIEW,
            Perm.PARTY_MANAGE,
            Perm.REGISTRATION_CONFIRM,
            Perm.PARTY_FEES,
            Perm.CADRE_OBSERVE,
            Perm.EXEMPLAR_REVIEW,
            Perm.VOLUNTEER_VIEW,
            Perm.COMMAND_VIEW,
            Perm.DIRECTIVE_ISSUE,
            Perm.EXPORT_PII,  # member rosters and service cards for appraisal (masked)
        }
    ),
    Role.ORG_OFFICER: frozenset(
        {
            Perm.INDICATOR_VIEW,
            Perm.PARTY_VIEW,
            Perm.PARTY_MANAGE,
            Perm.VOLUNTEER_VIEW,
            Perm.TASK_PUBLISH,
            Perm.COMMAND_VIEW,
            Perm.EXPORT_PII,  # their members' roster and service cards (masked)
            # Only over her organizations and teams: handle incidents dispatched to them.
            Perm.INCIDENT_HANDLE,
            # A temporary branch at a checkpoint or a hospital's organization receives
            # supplies: it asks for them and confirms what arrived.
            Perm.SUPPLIES_VIEW,
            Perm.ALLOCATION_REQUEST,
        }
    ),
    Role.TOWN_OFFICER: frozenset(
        _OFFICER
        | _UNIT
        | {
            Perm.REGION_CHANGE,
            Perm.EXPORT_PII,
            Perm.CONTACT_TRACE,
            Perm.DIRECTIVE_ISSUE,
            Perm.BRIEFING_WRITE,
        }
    ),
    Role.COMMUNITY_OFFICER: frozenset(_OFFICER | _UNIT | {Perm.REGISTRATION_CONFIRM}),
    Role.GRID_WORKER: frozenset(
        _FIELD
        | {
            Perm.PERSON_IMPORT,
            Perm.PII_REVEAL,
            Perm.CAMPAIGN_VIEW,
            Perm.VISIT_RECORD,
            Perm.VOLUNTEER_VIEW,
            Perm.COMMAND_VIEW,
            Perm.INCIDENT_REPORT,
        }
    ),
    Role.TEAM_MEMBER: frozenset({Perm.PERSON_VIEW, Perm.PII_REVEAL, Perm.INCIDENT_REPORT}),
    Role.VOLUNTEER: frozenset(
        {Perm.REGION_VIEW, Perm.VOLUNTEER_VIEW, Perm.TASK_CLAIM, Perm.INCIDENT_REPORT}
    ),
    Role.WAREHOUSE_KEEPER: frozenset(
        {Perm.REGION_VIEW, Perm.SUPPLIES_VIEW, Perm.STOCK_MANAGE, Perm.DONATION_MANAGE}
    ),
    Role.AUDITOR: frozenset(
        _READ_ALL | {Perm.REGION_VIEW, Perm.PERSON_VIEW, Perm.AUDIT_VIEW, Perm.INDICATOR_VIEW}
    ),
}

# Roles whose holders must pass a TOTP second factor.
TOTP_ROLES = frozenset({Role.COUNTY_COMMAND})
