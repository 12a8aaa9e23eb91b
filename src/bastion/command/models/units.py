"""The columns that name a unit: a region (town, community), a party organization or a team.

Directives, notices and meetings are issued by a unit (`IssuedByUnit`); directive and notice
targets are addressed to one (`AddressedToUnit`). Both copy the unit's region path and
organization path, so scoping is a prefix query on the record's own table
(`access.scoping.restrict_by_org_or_region`), and the unit's name as it was then.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.geo.models import Region
from bastion.party.models import Organization, Team


class UnitKind(models.TextChoices):
    REGION = "region", _("区划")
    ORGANIZATION = "organization", _("党组织")
    TEAM = "team", _("队伍")


class IssuedByUnit(models.Model):
    """The level that issues: a region (county, town) or an organization (the department)."""

    issuer_kind = models.CharField(max_length=12, choices=UnitKind.choices)
    issuer_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issuer_org = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issuer_key = models.CharField(max_length=64)
    issuer_name = models.CharField(max_length=150)
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    org_path = models.CharField(max_length=255, blank=True, default="", db_index=True)

    class Meta:
        abstract = True


class AddressedToUnit(models.Model):
    """The unit a target row is addressed to; `unit_key` is unique per parent record."""

    unit_kind = models.CharField(max_length=12, choices=UnitKind.choices)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_key = models.CharField(max_length=64)
    unit_name = models.CharField(max_length=150)
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    org_path = models.CharField(max_length=255, blank=True, default="", db_index=True)

    class Meta:
        abstract = True
