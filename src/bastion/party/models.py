"""Party organizations and their members: the tree, memberships, community registration,
teams.

Organizations form their own tree (`path` is the chain of organization codes, "/430121/
430121001/…/"), separate from the region tree; each also sits in a region (`region_path`).
Scoping uses either: the organization department by the organization tree
(`RoleAssignment.org_path`), a town officer by the region tree
(`access.scoping.restrict_by_org_or_region`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Region
from bastion.people.models import Person


class Tier(models.TextChoices):
    """Where an organization stands in the party's own hierarchy."""

    COMMITTEE = "committee", _("党委")
    WORKING_COMMITTEE = "working_committee", _("党工委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    TEMPORARY_BRANCH = "temporary_branch", _("临时党支部")


class Sector(models.TextChoices):
    """What kind of unit the organization belongs to."""

    ORGAN = "organ", _("机关")
    TOWN = "town", _("乡镇街道")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")
    NONPUBLIC_ENTERPRISE = "nonpublic_enterprise", _("非公企业")
    SOCIAL_ORGANIZATION = "social_organization", _("社会组织")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    INSTITUTION = "institution", _("事业单位")
    OTHER = "other", _("其他")


class TemporarySite(models.TextChoices):
    """Where a temporary branch was set up."""

    CHECKPOINT = "checkpoint", _("卡口")
    HOSPITAL = "hospital", _("医院")
    COMMUNITY = "community", _("社区")
    PROJECT = "project", _("项目")
    OTHER = "other", _("其他")


class Organization(PublicIdModel, TimestampedModel):
    """A grassroots party organization (党委 / 党总支 / 党支部 / 临时党支部).

    `code` is unique in the system; `path` is the parent's path plus the code and "/".
    A temporary branch records where and why it was set up and when it opened and
    closed; it is open while `closed_on` is empty.
    """

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    tier = models.CharField(max_length=20, choices=Tier.choices)
    sector = models.CharField(max_length=24, choices=Sector.choices, default=Sector.OTHER)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(default=0)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="organizations"
    )
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    secretary = models.CharField(max_length=60, blank=True, default="")
    contact_phone_masked = models.CharField(max_length=11, blank=True, default="")
    # Temporary branches (tier temporary_branch) only.
    site_kind = models.CharField(max_length=12, choices=TemporarySite.choices, blank=True)
    site_name = models.CharField(max_length=120, blank=True, default="")
    purpose = models.CharField(max_length=300, blank=True, default="")
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["path"]
        indexes = [
            models.Index(fields=["tier", "path"], name="org_tier_path"),
            models.Index(fields=["sector", "path"], name="org_sector_path"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(opened_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="org_closed_after_opened",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def org_path(self) -> str:
        """The organization path under the name every org-scoped record uses."""
        return self.path

    @property
    def is_temporary(self) -> bool:
        return self.tier == Tier.TEMPORARY_BRANCH


class MemberStatus(models.TextChoices):
    FULL = "full", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")
    LEFT = "left", _("已转出或离开")


class PartyMember(PublicIdModel, TimestampedModel):
    """A Person's party membership: the organization they belong to now.

    `org_path` and `region_path` are copies of the organization's path and the
    person's home grid path, kept in step by the services, so scoping and counts are
    prefix queries. The history of organizations lives in `Membership`.
    """

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="party_member")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_member",
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="members")
    org_path = models.CharField(max_length=255, db_index=True)
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    status = models.CharField(
        max_length=14, choices=MemberStatus.choices, default=MemberStatus.FULL
    )
    joined_party_on = models.DateField(null=True, blank=True)
    occupation = models.CharField(max_length=60, blank=True, default="")
    employer = models.CharField(max_length=120, blank=True, default="")
    is_employed = models.BooleanField(default=False, help_text="在职党员")
    is_medical_worker = models.BooleanField(default=False)
    is_cadre = models.BooleanField(default=False)

    class Meta:
        ordering = ["org_path", "id"]

    def __str__(self) -> str:
        return self.person.name


class Membership(models.Model):
    """One stay of a member in an organization (append-only history of transfers)."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(ended_on__isnull=True),
                name="membership_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.organization_id} from {self.started_on}"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class RegistrationChannel(models.TextChoices):
    ONLINE = "online", _("线上自助")
    OFFLINE = "offline", _("线下登记")


class CommunityRegistration(PublicIdModel, TimestampedModel):
    """在职党员进社区报到: an employed member registers at the community where they live.

    `path` is the community's region path; `org_path` the member's organization path at
    the time of registration, so the employer organization counts its members'
    registrations. A confirmed registration lapses after `valid_until` (renewal);
    "expired" is derived when read, never stored.
    """

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="registrations")
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    org_path = models.CharField(max_length=255, db_index=True)
    channel = models.CharField(max_length=8, choices=RegistrationChannel.choices)
    skills = models.JSONField(default=list, blank=True)
    availability = models.CharField(max_length=200, blank=True, default="")
    service_wishes = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(
        max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True, default="")
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live registration per member: a renewal extends it, a move withdraws it.
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status__in=["pending", "confirmed"]),
                name="registration_one_live_per_member",
            )
        ]


class TeamKind(models.TextChoices):
    VANGUARD = "vanguard", _("抗疫先锋队")
    VOLUNTEER_SERVICE = "volunteer_service", _("党员志愿服务队")
    MEDICAL = "medical", _("医疗队")
    OTHER = "other", _("其他")


class Team(PublicIdModel, TimestampedModel):
    """A vanguard, volunteer-service or medical team formed by an organization for an area."""

    kind = models.CharField(max_length=20, choices=TeamKind.choices)
    name = models.CharField(max_length=120)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="teams")
    org_path = models.CharField(max_length=255, db_index=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    purpose = models.CharField(max_length=300, blank=True, default="")
    leader = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    formed_on = models.DateField(null=True, blank=True)
    disbanded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["org_path", "name", "id"]
        indexes = [models.Index(fields=["kind", "org_path"], name="team_kind_org")]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A person in a team (a party member, or a resident volunteer with no membership)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="team_seats"
    )
    role = models.CharField(max_length=40, blank=True, default="")
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["team", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person"],
                condition=models.Q(left_on__isnull=True),
                name="team_member_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.team_id}"


class ServiceRecordEntry(models.Model):
    """One entry of a member's community service record (append-only).

    Written by the volunteers app for confirmed hours (source "volunteers", source_ref
    the attendance's public id), or by community staff for work done outside tasks.
    The employer organization's quarterly service card reads these entries. A
    correction is a new entry that points at the one it corrects (`corrects`), with the
    hours that replace it.
    """

    member = models.ForeignKey(
        PartyMember, on_delete=models.PROTECT, related_name="service_entries"
    )
    community = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    org_path = models.CharField(max_length=255, db_index=True)
    served_on = models.DateField()
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    description = models.CharField(max_length=300)
    source = models.CharField(max_length=30, blank=True, default="")
    source_ref = models.CharField(max_length=64, blank=True, default="")
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "served_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="service_entry_source_once",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gte=0), name="service_entry_hours_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.served_on} {self.hours}h"
