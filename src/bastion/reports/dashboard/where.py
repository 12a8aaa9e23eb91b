"""What a dashboard is about (a region, a party organization or the user's own scope),
the regions a user may drill into, and the link from a figure to its records page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from bastion.access.roles import Perm
from bastion.access.scoping import (
    has_perm,
    org_paths_for,
    region_paths,
    restrict_by_org_or_region,
    restrict_by_path,
)
from bastion.core.indicators import Indicator, Scope
from bastion.geo.models import Region
from bastion.party.models import Organization
from bastion.reports import registry

# Only these indicators narrow by organization path (Scope.org_path); an organization's
# dashboard shows them alone, since the others would count the whole region.
ORG_TAGS = ("party",)


@dataclass(frozen=True)
class Where:
    """What a dashboard is about: a region, or a party organization, or the user's scope."""

    region: Region | None = None
    organization: Organization | None = None

    @property
    def label(self) -> str:
        if self.organization is not None:
            return self.organization.name
        if self.region is not None:
            return f"{self.region.name}（{self.region.code}）"
        return ""

    def scope(self, user) -> Scope:
        """The scope of one evaluation; its memo lets indicators share work (one request)."""
        return Scope(
            user=user,
            region_path=self.region.path if self.region else None,
            org_path=self.organization.path if self.organization else None,
            memo={},
        )

    def query(self) -> dict[str, str]:
        if self.organization is not None:
            return {"org": self.organization.code}
        return {"region": self.region.code} if self.region else {}


# --- Where ---------------------------------------------------------------------------------


def visible_regions(user):
    """Regions whose whole subtree the user sees figures of (no ancestors of it)."""
    return restrict_by_path(Region.objects.all(), user, Perm.INDICATOR_VIEW)


def dashboard_where(*, user, region_code: str | None, org_code: str | None) -> Where:
    """The region or organization asked for, or the user's own; Http404 if not visible."""
    if not has_perm(user, Perm.INDICATOR_VIEW):
        raise Http404
    if org_code:
        orgs = restrict_by_org_or_region(
            Organization.objects.all(),
            user,
            Perm.INDICATOR_VIEW,
            org_field="path",
            region_field="region_path",
        )
        organization = orgs.filter(code=org_code).first()
        if organization is None:
            raise Http404
        return Where(organization=organization)
    if region_code:
        region = visible_regions(user).filter(code=region_code).first()
        if region is None:
            raise Http404
        return Where(region=region)
    paths = region_paths(user, Perm.INDICATOR_VIEW)
    if paths is None:
        region = Region.objects.filter(parent__isnull=True).order_by("path").first()
        return Where(region=region)
    if paths:
        return Where(region=Region.objects.filter(path__in=paths).order_by("path").first())
    orgs = org_paths_for(user, Perm.INDICATOR_VIEW) or []
    organization = Organization.objects.filter(path__in=orgs).order_by("path").first()
    if organization is None:
        raise Http404
    return Where(organization=organization)


def breadcrumbs(user, where: Where) -> list[Region]:
    """The visible regions from the user's top down to the region (for drill-up links)."""
    if where.region is None:
        return []
    chain = _ancestor_paths(where.region.path)
    visible = visible_regions(user).filter(path__in=chain)
    return list(visible.order_by("depth"))


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{q}/" for q in parts[: i + 1]) for i in range(len(parts))]


def indicators_for(where: Where) -> list[Indicator]:
    indicators = list(registry.all_indicators().values())
    if where.organization is not None:
        indicators = [i for i in indicators if i.tags and i.tags[0] in ORG_TAGS]
    return indicators


def records_link(code: str, where: Where, day: dt.date | None) -> str:
    try:
        url = reverse("reports:records", args=[code])
    except NoReverseMatch:
        return ""
    query = {**where.query()}
    if day is not None:
        query["as_of"] = day.isoformat()
    if where.organization is not None:  # the records page narrows by region only
        query.pop("org", None)
    return f"{url}?{urlencode(query)}" if query else url
