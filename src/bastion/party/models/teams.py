"""Teams (vanguard, volunteer service, medical), responsibility zones and vanguard posts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Region
from bastion.party.models.organizations import Organization, PartyMember
from bastion.people.models import Person


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


class _Answered(PublicIdModel, TimestampedModel):
    """Something a named member answers for, set up by an organization."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    name = models.CharField(max_length=120)
    duties = models.CharField(max_length=300, blank=True, default="")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["org_path", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class ResponsibilityZone(_Answered):
    """党员责任区: a member answers for an area (a grid, a few buildings, a street)."""

    area = models.CharField(max_length=200, blank=True, default="")

    class Meta(_Answered.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="zone_ends_after_start",
            )
        ]


class VanguardPost(_Answered):
    """党员先锋岗: a member answers for a post (a checkpoint shift, a service desk)."""

    site = models.CharField(max_length=200, blank=True, default="")

    class Meta(_Answered.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="post_ends_after_start",
            )
        ]
