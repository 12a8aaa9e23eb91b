"""Publicity materials, partner property companies and the ledger of what was handed
out or put up where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Region


class MaterialKind(models.TextChoices):
    PROPOSAL = "proposal", _("倡议书")
    NOTICE = "notice", _("告知书")
    POSTER = "poster", _("宣传海报")
    BANNER = "banner", _("横幅")
    LEAFLET = "leaflet", _("宣传单")
    OTHER = "other", _("其他")


class Material(PublicIdModel, TimestampedModel):
    """A publicity material issued by a region (optionally for one campaign)."""

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=MaterialKind.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materials",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    note = models.CharField(max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["path", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="material_unique_in_region")
        ]

    def __str__(self) -> str:
        return self.name


class PartnerCompany(PublicIdModel, TimestampedModel):
    """A property company (物业公司) that helps put up and hand out materials."""

    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    contact_name = models.CharField(max_length=60, blank=True, default="")
    contact_phone_encrypted = models.TextField(blank=True, default="")
    contact_phone_masked = models.CharField(max_length=11, blank=True, default="")
    note = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["path", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="company_unique_in_region")
        ]

    def __str__(self) -> str:
        return self.name


class DistributionAction(models.TextChoices):
    HANDED_OUT = "handed_out", _("发放")
    POSTED = "posted", _("张贴")


class MaterialDistribution(PublicIdModel):
    """How many copies of a material were handed out or put up, where, by whom
    (a user, a partner company, or both) — an append-only ledger.

    A wrong entry is voided by a new entry with the negative quantity pointing at it
    (`voids`), so sums are always right.
    """

    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="distributions")
    action = models.CharField(max_length=10, choices=DistributionAction.choices)
    quantity = models.IntegerField()
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    place = models.CharField(max_length=200, blank=True, default="")
    company = models.ForeignKey(
        PartnerCompany,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="distributions",
    )
    distributed_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visit = models.ForeignKey(
        "campaigns.HouseholdVisit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="materials",
    )
    note = models.CharField(max_length=300, blank=True, default="")
    voids = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="voided_by"
    )

    class Meta:
        ordering = ["-distributed_on", "-id"]
        indexes = [
            models.Index(fields=["action", "distributed_on"], name="distribution_action_day")
        ]

    def __str__(self) -> str:
        return f"{self.material} {self.get_action_display()} {self.quantity}"
