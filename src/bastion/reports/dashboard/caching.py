"""The as-of moment of a figure and the cached figures themselves (decision 0070): a
closed past day by its date, the present by a short time bucket whose start is the
figure's as-of moment."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from bastion.access.scoping import scope_of
from bastion.core.indicators import Indicator, Scope
from bastion.geo.models import Region
from bastion.reports.dashboard.where import Where

logger = logging.getLogger("bastion.reports")


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
