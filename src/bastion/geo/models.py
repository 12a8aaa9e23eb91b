"""The region tree and where people live: Region > Address, Building, Household."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel


class Level(models.TextChoices):
    COUNTY = "county", _("县")
    TOWN = "town", _("镇")
    SUBDISTRICT = "subdistrict", _("街道")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")


# Which levels may sit under which. Rank 0 is the county.
LEVEL_RANK = {
    Level.COUNTY: 0,
    Level.TOWN: 1,
    Level.SUBDISTRICT: 1,
    Level.VILLAGE: 2,
    Level.COMMUNITY: 2,
    Level.GRID: 3,
}
CHILD_LEVELS = {
    Level.COUNTY: {Level.TOWN, Level.SUBDISTRICT},
    Level.TOWN: {Level.VILLAGE, Level.COMMUNITY},
    Level.SUBDISTRICT: {Level.VILLAGE, Level.COMMUNITY},
    Level.VILLAGE: {Level.GRID},
    Level.COMMUNITY: {Level.GRID},
    Level.GRID: set(),
}


class Region(PublicIdModel, TimestampedModel):
    """A node of the administrative tree.

    `code` is the 12-digit statistical division code (county 430121000000, town
    430121001000, village 430121001001); a grid's code is its community's 12 digits
    plus a 3-digit grid number. `path` is the chain of codes from the county down,
    each followed by "/", so a subtree is a prefix query.
    """

    code = models.CharField(max_length=15, unique=True)
    name = models.CharField(max_length=100)
    level = models.CharField(max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(default=0)
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON Polygon")
    centroid_lng = models.FloatField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "path"], name="region_level_path")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_grid(self) -> bool:
        return self.level == Level.GRID


class Address(PublicIdModel, TimestampedModel):
    """A standard address (标准地址) inside a grid."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="addresses")
    path = models.CharField(max_length=255, db_index=True)
    text = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "text"], name="address_unique_in_grid")
        ]

    def __str__(self) -> str:
        return self.text


class Building(PublicIdModel, TimestampedModel):
    """A building (楼栋) inside a grid."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="buildings")
    path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(max_length=100)
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="building_unique_in_grid")
        ]

    def __str__(self) -> str:
        return self.name


class Household(PublicIdModel, TimestampedModel):
    """A household (户): the unit of door-to-door work, always in one grid."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="households")
    path = models.CharField(max_length=255, db_index=True)
    building = models.ForeignKey(Building, null=True, blank=True, on_delete=models.SET_NULL)
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.SET_NULL)
    label = models.CharField(max_length=100, help_text="door number or household number")

    class Meta:
        ordering = ["path", "label"]
        constraints = [
            models.UniqueConstraint(fields=["region", "label"], name="household_unique_in_grid")
        ]

    def __str__(self) -> str:
        return self.label
