"""The party organization tree, members and their memberships, secondments.

Organizations form their own tree (`path` is the chain of organization codes, "/430121/
430121001/…/"), separate from the region tree; each also sits in a region (`region_path`).
Scoping uses either: the organization department by the organization tree
(`RoleAssignment.org_path`), a town officer by the region tree
(`access.scoping.restrict_by_org_or_region`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.masking import mask_name
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
    # The share (percent) of its employed members the organization aims to have
    # registered at their home communities; set by the organization itself.
    registration_target = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )

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

    @property
    def label(self) -> str:
        """The masked name lists outside the member's own organization show (张**)."""
        return mask_name(self.person.name)


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


class Secondment(PublicIdModel, TimestampedModel):
    """A member seconded (选派) to a temporary branch; they keep their own organization.

    `org_path` / `region_path` are the temporary branch's, so the branch's secretary
    and whoever oversees the branch see who serves there. Ends when `ended_on` is set
    (at the latest when the branch closes).
    """

    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="secondments")
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="secondments")
    org_path = models.CharField(max_length=255, db_index=True)
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    duty = models.CharField(max_length=100, blank=True, default="")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["branch", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "member"],
                condition=models.Q(ended_on__isnull=True),
                name="secondment_once_while_open",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="secondment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} -> {self.branch_id}"
