"""Scoped reads for the dashboard: figures grouped by app, a trend over the days of the
response, the figure by sub-region (drill-down) and by grid (the map).

Every value is `indicator.count(scope, as_of)` of a registered indicator (decision 0008),
never a figure of its own. Values are cached (decision 0070): a closed past day by its
date, the present by a short time bucket whose start is the figure's as-of moment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from bastion.access.roles import Perm
from bastion.access.scoping import (
    has_perm,
    org_paths_for,
    region_paths,
    restrict_by_org_or_region,
    restrict_by_path,
    scope_of,
)
from bastion.command.selectors.figures import TAG_LABELS
from bastion.core.indicators import Indicator, Scope
from bastion.geo.models import Level, Region
from bastion.party.models import Organization
from bastion.reports import registry
from bastion.reports.selectors import localized

logger = logging.getLogger("bastion.reports")

# The indicators a grid map can be coloured by (issue 12), in this order when registered.
MAP_INDICATORS = (
    "campaigns_coverage_rate",
    "monitoring_under_observation",
    "monitoring_followups_overdue",
)
# The figures shown first and on the big screen.
HEADLINE = (
    "people",
    "monitoring_under_observation",
    "monitoring_followups_overdue",
    "campaigns_coverage_rate",
    "party_employed_registered",
    "volunteers_registered",
    "supplies_value_in_kind",
    "command_incidents_open",
)
DEFAULT_TREND_DAYS = 14
MAX_TREND_DAYS = 60
MAX_MAP_GRIDS = 2000
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


@dataclass
class Figure:
    code: str
    name: str
    unit: str
    value: int | None
    link: str


@dataclass
class Section:
    tag: str
    label: str
    figures: list[Figure] = field(default_factory=list)


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


# --- As of and caching ---------------------------------------------------------------------


def live_moment(now: dt.datetime | None = None) -> dt.datetime:
    """Now, floored to the live cache bucket (BASTION_DASHBOARD_LIVE_SECONDS; 0 = now)."""
    now = now or timezone.now()
    bucket = int(getattr(settings, "BASTION_DASHBOARD_LIVE_SECONDS", 30))
    if bucket <= 0:
        return now
    seconds = int(now.timestamp()) // bucket * bucket
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def day_moment(day: dt.date, now: dt.datetime | None = None) -> dt.datetime:
    """The end of local `day`; the live moment when the day is today (or ahead)."""
    now = now or timezone.now()
    if day >= timezone.localdate(now):
        return live_moment(now)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def _scope_key(scope: Scope) -> str:
    grants = scope_of(scope.user)
    raw = repr(
        (
            getattr(scope.user, "pk", None),
            grants.superuser,
            sorted(grants.paths.items()),
            sorted(grants.org_paths.items()),
            sorted(grants.assigned_grid_paths),
            sorted(grants.assigned_household_ids),
            sorted(grants.assigned_person_ids),
            scope.region_path,
            scope.org_path,
        )
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _ttl(moment: dt.datetime) -> int:
    """Seconds a figure as of `moment` is kept: one live bucket, or the past-day TTL."""
    if timezone.localdate(moment) >= timezone.localdate(timezone.now()):
        return int(getattr(settings, "BASTION_DASHBOARD_LIVE_SECONDS", 30))
    return int(getattr(settings, "BASTION_DASHBOARD_PAST_TTL", 3600))


def _figure_key(indicator: Indicator, scope: Scope, moment: dt.datetime) -> str:
    return f"dash:v1:{indicator.code}:{_scope_key(scope)}:{moment.timestamp():.6f}"


def figure(indicator: Indicator, scope: Scope, moment: dt.datetime) -> int | None:
    """The indicator's value, cached: a closed day for BASTION_DASHBOARD_PAST_TTL seconds,
    the present for one live bucket. None (and a log line) when the indicator fails."""
    ttl = _ttl(moment)
    key = _figure_key(indicator, scope, moment)
    if ttl > 0:
        hit = cache.get(key)
        if hit is not None:
            return hit
    try:
        value = indicator.count(scope, moment)
    except Exception:  # noqa: BLE001 - one app's failing figure must not take the page down
        logger.exception("indicator %s failed on the dashboard", indicator.code)
        return None
    if ttl > 0:
        cache.set(key, value, ttl)
    return value


def region_figures(
    indicator: Indicator, *, user, where: Where, regions: list[Region], moment: dt.datetime
) -> dict[str, int | None]:
    """`figure()` of each region (disjoint subtrees under `where`), by region path. The
    ones not cached come from one grouped evaluation when the indicator has one
    (`Indicator.by_region`), else one evaluation each; either way they are cached under
    the same keys as `figure()`, so a region's own dashboard shows the same number."""
    ttl = _ttl(moment)
    scopes = {region.path: Where(region=region).scope(user) for region in regions}
    keys = {path: _figure_key(indicator, scope, moment) for path, scope in scopes.items()}
    hits = cache.get_many(list(keys.values())) if ttl > 0 else {}
    values: dict[str, int | None] = {p: hits[k] for p, k in keys.items() if k in hits}
    missing = [region for region in regions if region.path not in values]
    if missing and indicator.by_region is not None and where.region is not None:
        try:
            grouped = indicator.by_region(where.scope(user), moment, missing)
        except Exception:  # noqa: BLE001 - as in figure()
            logger.exception("indicator %s failed on the dashboard (by region)", indicator.code)
            grouped = {}
        fresh = {region.path: grouped[region.path] for region in missing if region.path in grouped}
        if ttl > 0 and fresh:
            cache.set_many({keys[path]: value for path, value in fresh.items()}, ttl)
        values.update(fresh)
        missing = [region for region in missing if region.path not in fresh]
    for region in missing:
        values[region.path] = figure(indicator, scopes[region.path], moment)
    return values


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


# --- Figures -------------------------------------------------------------------------------


def sections(*, user, where: Where, moment: dt.datetime, day: dt.date | None) -> list[Section]:
    """Every indicator's figure, grouped by the app that owns it (its first tag)."""
    scope = where.scope(user)
    groups: dict[str, Section] = {}
    for indicator in indicators_for(where):
        tag = indicator.tags[0] if indicator.tags else "other"
        section = groups.setdefault(tag, Section(tag, str(TAG_LABELS.get(tag, tag))))
        section.figures.append(
            Figure(
                code=indicator.code,
                name=localized(indicator, "name"),
                unit=localized(indicator, "unit"),
                value=figure(indicator, scope, moment),
                link=records_link(indicator.code, where, day),
            )
        )
    return list(groups.values())


def headline(all_sections: list[Section]) -> list[Figure]:
    by_code = {f.code: f for s in all_sections for f in s.figures}
    return [by_code[c] for c in HEADLINE if c in by_code]


def map_indicators() -> list[Indicator]:
    found = registry.all_indicators()
    return [found[c] for c in MAP_INDICATORS if c in found]


def chart_indicator(code: str | None, where: Where) -> Indicator:
    """The indicator a chart is drawn for (default: the first map indicator); Http404 if
    unknown or not shown on this dashboard."""
    allowed = {i.code: i for i in indicators_for(where)}
    if not code:
        for candidate in MAP_INDICATORS:
            if candidate in allowed:
                return allowed[candidate]
        if not allowed:
            raise Http404
        return next(iter(allowed.values()))
    if code not in allowed:
        raise Http404
    return allowed[code]


def response_start(end: dt.date, days: int | None) -> dt.date:
    """The first day of the trend: BASTION_RESPONSE_START if set (capped), else `days` back."""
    days = max(2, min(days or DEFAULT_TREND_DAYS, MAX_TREND_DAYS))
    start = end - dt.timedelta(days=days - 1)
    configured = getattr(settings, "BASTION_RESPONSE_START", None)
    if configured and days == DEFAULT_TREND_DAYS:
        configured = dt.date.fromisoformat(str(configured))
        start = max(configured, end - dt.timedelta(days=MAX_TREND_DAYS - 1))
        start = min(start, end)
    return start


def trend(
    *, user, where: Where, indicator: Indicator, end: dt.date, days: int | None = None
) -> list[tuple[dt.date, int | None]]:
    """(day, value at the end of that day) from the response's start to `end`."""
    scope = where.scope(user)
    start = response_start(end, days)
    out = []
    day = start
    while day <= end:
        out.append((day, figure(indicator, scope, day_moment(day))))
        day += dt.timedelta(days=1)
    return out


@dataclass
class ChildRow:
    code: str
    name: str
    level: str
    value: int | None
    dashboard_link: str
    records_link: str


def children(
    *, user, where: Where, indicator: Indicator, moment: dt.datetime, day: dt.date | None
) -> list[ChildRow]:
    """The level below (towns, communities, grids; or sub-organizations) with the figure."""
    rows: list[ChildRow] = []
    base = reverse("reports:dashboard")
    as_of = {"as_of": day.isoformat()} if day else {}
    if where.organization is not None:
        orgs = restrict_by_org_or_region(
            Organization.objects.filter(parent=where.organization),
            user,
            Perm.INDICATOR_VIEW,
            org_field="path",
            region_field="region_path",
        ).order_by("path")
        for org in orgs:
            sub = Where(organization=org)
            value = figure(indicator, sub.scope(user), moment)
            rows.append(
                ChildRow(
                    org.code,
                    org.name,
                    "",
                    value,
                    f"{base}?{urlencode({'org': org.code, **as_of})}",
                    "",
                )
            )
        return rows
    if where.region is None:
        return rows
    regions = list(visible_regions(user).filter(parent=where.region).order_by("path"))
    values = region_figures(indicator, user=user, where=where, regions=regions, moment=moment)
    for region in regions:
        sub = Where(region=region)
        rows.append(
            ChildRow(
                region.code,
                region.name,
                region.get_level_display(),
                values[region.path],
                ""
                if region.level == Level.GRID
                else f"{base}?{urlencode({'region': region.code, **as_of})}",
                records_link(indicator.code, sub, day),
            )
        )
    return rows


def grid_map(
    *, user, where: Where, indicator: Indicator, moment: dt.datetime, day: dt.date | None
) -> dict:
    """The gridmap.js payload: the region's grids, their polygons and the figure."""
    regions = []
    if where.region is not None:
        grids = list(
            visible_regions(user)
            .filter(level=Level.GRID, path__startswith=where.region.path)
            .order_by("path")
            .only("code", "name", "path", "boundary")[:MAX_MAP_GRIDS]
        )
        values = region_figures(indicator, user=user, where=where, regions=grids, moment=moment)
        for grid in grids:
            sub = Where(region=grid)
            value = values[grid.path]
            regions.append(
                {
                    "code": grid.code,
                    "name": grid.name,
                    "boundary": grid.boundary,
                    "value": value,
                    "url": records_link(indicator.code, sub, day),
                    "label": "—" if value is None else f"{value}{localized(indicator, 'unit')}",
                }
            )
    values = [r["value"] for r in regions if isinstance(r["value"], int)]
    return {
        "unit": localized(indicator, "unit"),
        "value_label": localized(indicator, "name"),
        "min": 0,
        "max": max(values + [1]),
        "regions": regions,
    }
