"""Liaison groups (联点小组) of the organization department, their key units and visits,
and the cadre observations (近距离观察识别干部) they write.

Cadre observations are read only by holders of Perm.CADRE_OBSERVE (the organization
department); for everyone else they do not exist (404).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, StoredFile, TimestampedModel
from bastion.party.models.organizations import Organization, PartyMember


class LiaisonGroup(PublicIdModel, TimestampedModel):
    """A group of the organization department, paired with key units it visits.

    `organization` is the committee whose department runs the group (the county
    committee); `users` are the logins that record the group's visits.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="liaison_groups"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)
    leader = models.CharField(max_length=60, blank=True, default="")
    members_text = models.CharField(max_length=300, blank=True, default="")
    focus = models.CharField(max_length=300, blank=True, default="")
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="liaison_groups"
    )
    formed_on = models.DateField()
    dissolved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["org_path", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="liaison_group_number_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class LiaisonPairing(models.Model):
    """A key unit a liaison group is paired with (联点单位)."""

    group = models.ForeignKey(LiaisonGroup, on_delete=models.CASCADE, related_name="pairings")
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["group", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "unit"],
                condition=models.Q(ended_on__isnull=True),
                name="liaison_pairing_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group_id} - {self.unit_id}"


class LiaisonVisit(PublicIdModel, TimestampedModel):
    """One visit of a liaison group to a unit: who went, what they found, what follows."""

    group = models.ForeignKey(LiaisonGroup, on_delete=models.PROTECT, related_name="visits")
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    visited_on = models.DateField()
    participants = models.CharField(max_length=200, blank=True, default="")
    findings = models.TextField()
    follow_up = models.TextField(blank=True, default="")
    attachments = models.ManyToManyField(StoredFile, blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.group_id} @ {self.unit_id} {self.visited_on}"


class CadreRating(models.TextChoices):
    OUTSTANDING = "outstanding", _("表现突出")
    GOOD = "good", _("表现良好")
    ADEQUATE = "adequate", _("表现一般")
    POOR = "poor", _("表现较差")


class CadreObservation(PublicIdModel, TimestampedModel):
    """How a cadre performed at the front, observed close up, with evidence.

    `org_path` / `region_path` are the cadre's unit's. Read only through
    `selectors.cadre_observation_list` (Perm.CADRE_OBSERVE).
    """

    group = models.ForeignKey(
        LiaisonGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cadre_name = models.CharField(max_length=60)
    cadre_member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField(max_length=100, blank=True, default="")
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    observed_on = models.DateField()
    situation = models.CharField(max_length=200)
    performance = models.TextField()
    rating = models.CharField(max_length=12, choices=CadreRating.choices)
    evidence = models.ManyToManyField(StoredFile, blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-observed_on", "-id"]

    def __str__(self) -> str:
        return str(self.public_id)
