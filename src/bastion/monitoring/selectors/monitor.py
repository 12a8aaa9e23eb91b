"""The monitoring view's figures for a region, and the people behind each figure.

Every figure has ONE definition here, used by the monitoring view, the indicators
(and through them the API): `monitor_counts` computes all figures at once with a
constant number of aggregate queries (one pass over the scoped observations joined to
today's follow-up counts, grouped by policy, child region and origin), and
`monitor_records` returns the records behind one figure. Tests hold the two equal.

Figures at `now` (a day is the local Asia/Shanghai day of `now`):
- under: registered by now and not ended by now (status active, or ended after now);
- new: observations whose day 1 (starts_on) is today, registered by now;
- released: released today (up to now);
- due / overdue / done: people whose period covers today, by today's counted
  follow-ups (schedule.py rule) against policy.followups_per_day and the cut-off hour;
- abnormal: people under observation with a counted abnormal follow-up today or an
  alert still open at now (the today page's rule, selectors/followups.py);
- fever_alerts: fever alerts open at now; services: service requests open at now.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from bastion.access.scoping import collapse_paths
from bastion.geo.models import Region
from bastion.monitoring.models import (
    Alert,
    AlertKind,
    FollowUp,
    Observation,
    ObservationStatus,
    Policy,
    ServiceRequest,
    ServiceStatus,
    TeamMember,
)
from bastion.monitoring.schedule import (
    counted_followups_q,
    local_now,
    period_last_date_expression,
)
from bastion.monitoring.selectors.observations import (
    observation_list,
    visible_prefixes,
    visible_record_q,
)

OBSERVATION_KEYS = ("under", "new", "released", "due", "done", "overdue", "abnormal")
RECORD_KEYS = ("fever_alerts", "services")
KEYS = OBSERVATION_KEYS + RECORD_KEYS
OPEN_SERVICE = (ServiceStatus.OPEN, ServiceStatus.ASSIGNED, ServiceStatus.IN_PROGRESS)


def _day_bounds(now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    local = local_now(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return local.date(), start


def _scoped(user, region_path: str | None) -> QuerySet[Observation]:
    return observation_list(user=user, region_path=region_path).select_related(None).order_by()


def _zero() -> dict[str, int]:
    return dict.fromkeys(KEYS, 0)


# --- Counts ---------------------------------------------------------------------------


def can_monitor(user) -> bool:
    """Does the user see any observation data: people of a region (a grant or a 包片
    grid), or a team seat? Others get a "no permission" answer, not a page of zeros."""
    if not getattr(user, "is_authenticated", False):
        return False
    prefixes = visible_prefixes(user)
    if prefixes is None or prefixes:
        return True
    return TeamMember.objects.filter(user_id=user.pk).exists()


def monitor_region(*, user, code: str) -> Region:
    """The region whose figures the user may see: inside her subtrees for people (a
    region on the way down to her grid is not one of them). Http404 otherwise, on the
    page and in the API alike."""
    region = Region.objects.filter(code=code).select_related("parent").first()
    prefixes = visible_prefixes(user)
    if region is None or not (prefixes is None or any(region.path.startswith(p) for p in prefixes)):
        raise Http404
    return region


def child_regions(*, user, region: Region | None) -> list[Region]:
    """The rows of the children table: the region's children, or the user's top regions."""
    if region is not None:
        return list(Region.objects.filter(parent=region).order_by("path"))
    prefixes = visible_prefixes(user)
    if prefixes is None:
        return list(Region.objects.filter(parent__isnull=True).order_by("path"))
    return list(Region.objects.filter(path__in=collapse_paths(prefixes)).order_by("path"))


def _bucket_sql(children: list[Region]) -> tuple[str, list]:
    """SQL for "which child region's path prefixes o.opath" ('' when none)."""
    if not children:
        return "''", []
    lengths = sorted({len(c.path) for c in children})
    if len(lengths) == 1:
        return f"SUBSTR(o.opath, 1, {lengths[0]})", []
    whens = []
    params: list = []
    for length in lengths:
        group = [c.path for c in children if len(c.path) == length]
        marks = ", ".join(["%s"] * len(group))
        whens.append(
            f"WHEN SUBSTR(o.opath, 1, {length}) IN ({marks}) THEN SUBSTR(o.opath, 1, {length})"
        )
        params += group
    return f"CASE {' '.join(whens)} ELSE '' END", params


def monitor_counts(
    *,
    user,
    region_path: str | None = None,
    now: dt.datetime | None = None,
    children: list[Region] | None = None,
) -> dict:
    """All figures for the user's scope under `region_path`, at `now`.

    Returns {"totals": {key: n}, "by_category": [(policy, {key: n})],
    "by_origin": [(origin, {key: n})], "children": [(region, {key: n})],
    "unplaced": {key: n} or None}; every breakdown sums to the totals (the children
    with "unplaced"). Queries: policies, observations (one aggregate), alerts, services.
    """
    now = now or timezone.now()
    today, day_start = _day_bounds(now)
    hour = local_now(now).hour
    children = children or []
    ops = connection.ops
    d_now = ops.adapt_datetimefield_value(now)
    d_start = ops.adapt_datetimefield_value(day_start)
    d_today = ops.adapt_datefield_value(today)

    scoped = (
        _scoped(user, region_path)
        .filter(created_at__lte=now)
        .filter(Q(status=ObservationStatus.ACTIVE) | Q(ended_at__gte=day_start))
        .annotate(period_last=period_last_date_expression())
        .values(
            oid=F("id"),
            opolicy=F("policy_id"),
            oorigin=F("origin"),
            opath=F("path"),
            ostatus=F("status"),
            ocreated=F("created_at"),
            oended=F("ended_at"),
            ostarts=F("starts_on"),
            olast=F("period_last"),
        )
    )
    inner_sql, inner_params = scoped.query.sql_with_params()
    bucket, bucket_params = _bucket_sql(children)
    fu = FollowUp._meta.db_table
    al = Alert._meta.db_table
    path_filter = alert_path_filter = ""
    path_params: list = []
    if region_path:
        # LIKE 'prefix%' (not SUBSTR(...) = prefix): PostgreSQL estimates its rows from
        # the column statistics; SUBSTR's guess (0.5 %) gave a serial, disk-sorting plan.
        path_filter = " AND f.path LIKE %s ESCAPE '\\'"
        alert_path_filter = " AND a.path LIKE %s ESCAPE '\\'"
        path_params = [connection.ops.prep_for_like_query(region_path) + "%"]
    # Only table names, fixed fragments and lengths are interpolated; values are params.
    today_sql = (
        f"SELECT f.observation_id AS obs_id, COUNT(*) AS n, "  # noqa: S608
        f"MAX(CASE WHEN f.abnormal THEN 1 ELSE 0 END) AS ab FROM {fu} f "
        f"WHERE f.local_date = %s{path_filter} AND f.id NOT IN "
        f"(SELECT c.corrects_id FROM {fu} c WHERE c.corrects_id IS NOT NULL) "
        "GROUP BY f.observation_id"
    )
    open_alerts_sql = (
        f"SELECT a.observation_id AS obs_id, COUNT(*) AS n FROM {al} a "  # noqa: S608
        f"WHERE a.raised_at <= %s AND (a.resolved_at IS NULL OR a.resolved_at > %s)"
        f"{alert_path_filter} GROUP BY a.observation_id"
    )
    under = "(o.ocreated <= %s AND (o.ostatus = 'active' OR o.oended > %s))"
    expected = f"({under} AND o.ostarts <= %s AND o.olast >= %s)"
    n = "COALESCE(t.n, 0)"
    # ABNORMAL: the today page's rule (selectors.followups): a counted abnormal entry
    # today, or an alert still open.
    abnormal = f"({under} AND (t.ab = 1 OR COALESCE(al.n, 0) > 0))"
    sql = (
        f"SELECT o.opolicy, {bucket} AS bucket, o.oorigin, "  # noqa: S608
        f"SUM(CASE WHEN {under} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN o.ostarts = %s AND o.ocreated <= %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN o.ostatus = 'released' AND o.oended >= %s AND o.oended <= %s "
        f"THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {expected} AND {n} < p.followups_per_day AND p.cutoff_hour > %s "
        f"THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {expected} AND {n} >= p.followups_per_day THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {expected} AND {n} < p.followups_per_day AND p.cutoff_hour <= %s "
        f"THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {abnormal} THEN 1 ELSE 0 END) "
        f"FROM ({inner_sql}) o "
        f"JOIN {Policy._meta.db_table} p ON p.id = o.opolicy "
        f"LEFT JOIN ({today_sql}) t ON t.obs_id = o.oid "
        f"LEFT JOIN ({open_alerts_sql}) al ON al.obs_id = o.oid "
        "GROUP BY 1, 2, 3"
    )
    u = [d_now, d_now]
    e = [*u, d_today, d_today]
    params = [
        *bucket_params,
        *u,
        d_today,
        d_now,
        d_start,
        d_now,
        *e,
        hour,
        *e,
        *e,
        hour,
        *u,
        *inner_params,
        d_today,
        *path_params,
        d_now,
        d_now,
        *path_params,
    ]
    totals = _zero()
    by_policy: dict[int, dict[str, int]] = defaultdict(_zero)
    by_origin: dict[str, dict[str, int]] = defaultdict(_zero)
    by_child: dict[str, dict[str, int]] = defaultdict(_zero)

    def add(key: str, value: int, policy_id, origin: str, child_path: str) -> None:
        totals[key] += value
        by_policy[policy_id][key] += value
        by_origin[origin or ""][key] += value
        by_child[child_path or ""][key] += value

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for policy_id, child_path, origin, *values in cursor.fetchall():
            for key, value in zip(OBSERVATION_KEYS, values, strict=True):
                add(key, int(value or 0), policy_id, origin, child_path)

    for key, qs in (
        ("fever_alerts", _open_fever_alerts(user, region_path, now)),
        ("services", _open_services(user, region_path, now)),
    ):
        rows = (
            qs.values("observation__policy_id", "observation__origin", "path")
            .annotate(n=Count("pk"))
            .values_list("observation__policy_id", "observation__origin", "path", "n")
        )
        for policy_id, origin, path, count in rows:
            child = next((c.path for c in children if path.startswith(c.path)), "")
            add(key, count, policy_id, origin, child)

    policies = Policy.objects.order_by("category")
    placed = [(child, by_child.get(child.path, _zero())) for child in children]
    unplaced = {k: totals[k] - sum(c[k] for _r, c in placed) for k in KEYS} if children else {}
    return {
        "totals": totals,
        "by_category": [
            (policy, by_policy[policy.pk])
            for policy in policies
            if policy.pk in by_policy or policy.active
        ],
        "by_origin": sorted(
            ((origin, v) for origin, v in by_origin.items() if any(v.values())),
            key=lambda item: (-item[1]["under"], item[0]),
        ),
        "children": placed,
        # observations in scope under none of the child regions (a team seat elsewhere)
        "unplaced": unplaced if any(unplaced.values()) else None,
    }


# --- Records (drill-down) --------------------------------------------------------------


def _scoped_to_observations(qs: QuerySet, user, region_path: str | None) -> QuerySet:
    """Alerts / service requests whose observation the user may see, under `region_path`:
    the `observation_list` rule applied to the record's own `path` (its observation's,
    copied when raised; an observation never moves) and `observation_id`, rather than
    `observation_id IN (every visible observation)`, which scans them all."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    visible = visible_record_q(user)
    if visible is not None:
        qs = qs.filter(visible)
    if region_path:
        qs = qs.filter(path__startswith=region_path)
    return qs


def _open_fever_alerts(user, region_path, now) -> QuerySet[Alert]:
    qs = Alert.objects.filter(Alert.open_q(now), kind=AlertKind.FEVER)
    return _scoped_to_observations(qs, user, region_path).order_by()


def _open_services(user, region_path, now) -> QuerySet[ServiceRequest]:
    qs = ServiceRequest.objects.filter(created_at__lte=now).filter(
        Q(status__in=OPEN_SERVICE) | Q(done_at__gt=now)
    )
    return _scoped_to_observations(qs, user, region_path).order_by()


def monitor_records(
    *,
    user,
    key: str,
    region_path: str | None = None,
    now: dt.datetime | None = None,
    category: str | None = None,
    origin: str | None = None,
) -> QuerySet:
    """The records behind one figure: Observations, or Alerts / ServiceRequests for
    fever_alerts / services. Same definitions as `monitor_counts`.
    """
    now = now or timezone.now()
    today, day_start = _day_bounds(now)
    if key == "fever_alerts":
        qs = _open_fever_alerts(user, region_path, now)
        if category:
            qs = qs.filter(observation__policy__category=category)
        if origin is not None:
            qs = qs.filter(observation__origin=origin)
        return qs.select_related("observation__person", "observation__policy").order_by(
            "-raised_at", "-id"
        )
    if key == "services":
        qs = _open_services(user, region_path, now)
        if category:
            qs = qs.filter(observation__policy__category=category)
        if origin is not None:
            qs = qs.filter(observation__origin=origin)
        return qs.select_related("observation__person", "assigned_to").order_by(
            "-created_at", "-id"
        )
    if key not in OBSERVATION_KEYS:
        raise ValueError(f"unknown monitor key {key!r}")
    qs = observation_list(user=user, region_path=region_path).order_by("path", "starts_on", "id")
    if category:
        qs = qs.filter(policy__category=category)
    if origin is not None:
        qs = qs.filter(origin=origin)
    under = Q(created_at__lte=now) & (Q(status=ObservationStatus.ACTIVE) | Q(ended_at__gt=now))
    if key == "under":
        return qs.filter(under)
    if key == "new":
        return qs.filter(starts_on=today, created_at__lte=now)
    if key == "released":
        return qs.filter(
            status=ObservationStatus.RELEASED, ended_at__gte=day_start, ended_at__lte=now
        )
    counted_today = FollowUp.objects.filter(counted_followups_q(today), observation=OuterRef("pk"))
    if key == "abnormal":
        open_alert = Alert.objects.filter(Alert.open_q(now), observation=OuterRef("pk"))
        return qs.filter(under).filter(
            Exists(counted_today.filter(abnormal=True)) | Exists(open_alert)
        )
    n_today = counted_today.order_by().values("observation").annotate(n=Count("pk")).values("n")
    expected = (
        qs.filter(under)
        .annotate(period_last=period_last_date_expression(), today_n=Coalesce(Subquery(n_today), 0))
        .filter(starts_on__lte=today, period_last__gte=today)
    )
    if key == "done":
        return expected.filter(today_n__gte=F("policy__followups_per_day"))
    pending = expected.filter(today_n__lt=F("policy__followups_per_day"))
    hour = local_now(now).hour
    if key == "due":
        return pending.filter(policy__cutoff_hour__gt=hour)
    return pending.filter(policy__cutoff_hour__lte=hour)
