"""Scoped reads of tasks: the list, one task, the nearby list for a volunteer.

A task is visible to staff holding Perm.VOLUNTEER_VIEW over its place (region tree) or its
publisher (organization tree), and to the volunteers who may serve there: members
registered at its community, residents of it, members of its team or temporary branch.
Missing or out of scope: Http404.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import (
    ExpressionWrapper,
    F,
    FloatField,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_org_or_region, org_paths_for, region_paths
from bastion.geo.models import Region
from bastion.volunteers.models import LocationKind, Task, TaskSeries, TaskStatus
from bastion.volunteers.selectors.people import Volunteer, volunteer_of_user
from bastion.volunteers.selectors.places import ancestor_paths

KM_PER_DEGREE_LAT = 110.57
KM_PER_DEGREE_LNG_AT_EQUATOR = 111.32
# Radii tried in turn by the nearby list (km); None: no bound.
NEARBY_RINGS: tuple[float | None, ...] = (0.5, 3.0, None)


def prefix_q(field_name: str, prefixes) -> Q:
    q = Q(pk__in=[])
    for prefix in prefixes:
        if prefix:
            q |= Q(**{f"{field_name}__startswith": prefix})
    return q


def _volunteer_q(volunteer: Volunteer | None) -> Q:
    """Tasks a volunteer may serve in (whatever their role grants say)."""
    if volunteer is None:
        return Q(pk__in=[])
    q = prefix_q("path", volunteer.community_paths)
    if volunteer.team_ids:
        q |= Q(team_id__in=volunteer.team_ids)
    if volunteer.org_path:
        q |= Q(organization__isnull=False, org_path__in=ancestor_paths(volunteer.org_path))
    return q


def visible_q(user, *, prefix: str = "", as_volunteer: bool = True) -> Q | None:
    """The filter of tasks the user sees; None means everything (a superuser). `prefix`
    names a relation from another model ("task__"); `as_volunteer=False` leaves out what
    the user sees only as a volunteer (staff scope alone)."""
    regions = region_paths(user, Perm.VOLUNTEER_VIEW)
    orgs = org_paths_for(user, Perm.VOLUNTEER_VIEW)
    if regions is None or orgs is None:
        return None
    q = prefix_q("path", regions) | prefix_q("org_path", orgs) | Q(leader_id=user.pk)
    if as_volunteer:
        q |= _volunteer_q(volunteer_of_user(user))
    if prefix:
        q = Q(**{f"{prefix}pk__in": Task.objects.filter(q).values("pk")})
    return q


def task_list(*, user) -> QuerySet[Task]:
    """Tasks the user may see (staff scope, plus where they may serve as a volunteer)."""
    if not getattr(user, "is_authenticated", False):
        return Task.objects.none()
    q = visible_q(user)
    qs = Task.objects.all() if q is None else Task.objects.filter(q)
    return qs.select_related("kind", "region")


def task_get(*, user, public_id) -> Task:
    try:
        return (
            task_list(user=user)
            .select_related("community", "team", "organization", "leader", "series")
            .get(public_id=public_id)
        )
    except (Task.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def task_state(task, now=None) -> tuple[str, str]:
    """(code, label) of a task as a volunteer sees it: derived, never stored."""
    now = now or timezone.now()
    if task.status == TaskStatus.CANCELLED:
        return "cancelled", _("已取消")
    if now >= task.ends_at:
        return "ended", _("已结束")
    if now >= task.starts_at:
        return "ongoing", _("进行中")
    if task.claimed_count >= task.slots:
        return "full", _("已满·可候补")
    return "open", _("可认领")


def task_can_manage(user, task) -> bool:
    """Publish-level rights on the task: edit, cancel, claim for others, confirm hours."""
    if user is None:
        return True  # the system (demo generator, management commands)
    if not getattr(user, "is_authenticated", False):
        return False
    return can_on_org_or_region(
        user, Perm.TASK_PUBLISH, org_path=task.org_path, region_path=task.path
    )


def task_can_lead(user, task) -> bool:
    """The task's leader, or someone who manages it: check people in and out, confirm."""
    if task_can_manage(user, task):
        return True
    return bool(task.leader_id) and task.leader_id == getattr(user, "pk", None)


def series_list(*, user) -> QuerySet[TaskSeries]:
    if not getattr(user, "is_authenticated", False):
        return TaskSeries.objects.none()
    regions = region_paths(user, Perm.VOLUNTEER_VIEW)
    orgs = org_paths_for(user, Perm.VOLUNTEER_VIEW)
    qs = TaskSeries.objects.all()
    if regions is not None and orgs is not None:
        qs = qs.filter(prefix_q("path", regions) | prefix_q("org_path", orgs))
    return qs.select_related("kind", "region")


def series_get(*, user, public_id) -> TaskSeries:
    try:
        return series_list(user=user).get(public_id=public_id)
    except (TaskSeries.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


# --- The nearby list -------------------------------------------------------------------


@dataclass
class NearbyPage:
    """One page of the nearby list: (task, distance in km or None) in order."""

    rows: list[tuple[Task, float | None]]
    has_next: bool
    page: int
    home_known: bool
    radius_km: float | None = None
    online: list[Task] = field(default_factory=list)


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def open_tasks(
    *, user, kind: str = "", day: dt.date | None = None, free_only: bool = False, now=None
) -> QuerySet[Task]:
    """Published tasks that have not started, visible to the user, with the filters."""
    now = now or timezone.now()
    qs = task_list(user=user).filter(status=TaskStatus.PUBLISHED, starts_at__gt=now)
    if kind:
        qs = qs.filter(kind__code=kind)
    if day is not None:
        start, end = local_day_bounds(day)
        qs = qs.filter(starts_at__gte=max(start, now), starts_at__lt=end)
    if free_only:
        qs = qs.filter(claimed_count__lt=F("slots"))
    return qs


def nearby_tasks(
    *,
    user,
    kind: str = "",
    day: dt.date | None = None,
    free_only: bool = False,
    page: int = 1,
    per_page: int = 20,
    now=None,
) -> NearbyPage:
    """Open tasks nearest the volunteer's home first (grid centroids), then by time.

    Each ring of NEARBY_RINGS is a bounding box on the indexed coordinates, narrowed to
    the circle with the planar distance; the first ring holding enough rows answers, so
    most calls read only the tasks of the neighbourhood. Without a known home: by time.
    """
    page = max(1, page)
    qs = open_tasks(user=user, kind=kind, day=day, free_only=free_only, now=now)
    online = []
    if page == 1:  # the next online tasks are listed apart, on the first page only
        online = list(qs.filter(location_kind=LocationKind.ONLINE).order_by("starts_at", "id")[:10])
    volunteer = volunteer_of_user(user)
    offset = (page - 1) * per_page
    need = offset + per_page + 1
    if volunteer is None or volunteer.lat is None or volunteer.lng is None:
        rows = list(
            qs.exclude(location_kind=LocationKind.ONLINE).order_by("starts_at", "id")[
                offset : offset + per_page + 1
            ]
        )
        return NearbyPage(
            rows=[(t, None) for t in rows[:per_page]],
            has_next=len(rows) > per_page,
            page=page,
            home_known=False,
            online=online,
        )
    lat0, lng0 = volunteer.lat, volunteer.lng
    kx = KM_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(lat0))
    ky = KM_PER_DEGREE_LAT
    distance2 = ExpressionWrapper(
        ((F("lat") - lat0) * ky) * ((F("lat") - lat0) * ky)
        + ((F("lng") - lng0) * kx) * ((F("lng") - lng0) * kx),
        output_field=FloatField(),
    )
    # No join in the rings: the page's regions are fetched afterwards for its rows only
    # (a join would hash every region, boundaries included, on each call).
    located = (
        qs.select_related(None)
        .select_related("kind")
        .filter(lat__isnull=False, lng__isnull=False)
        .exclude(location_kind=LocationKind.ONLINE)
    )
    rows: list[Task] = []
    radius = None
    for radius in NEARBY_RINGS:
        ring = located
        if radius is not None:
            dlat, dlng = radius / ky, radius / kx
            ring = ring.filter(
                lat__gte=lat0 - dlat,
                lat__lte=lat0 + dlat,
                lng__gte=lng0 - dlng,
                lng__lte=lng0 + dlng,
            )
        ring = ring.annotate(d2=distance2)
        if radius is not None:
            ring = ring.filter(d2__lte=radius * radius)
        rows = list(ring.order_by("d2", "starts_at", "id")[:need])
        if len(rows) >= need:
            break
    window = rows[offset : offset + per_page + 1]
    prefetch_related_objects(
        window, Prefetch("region", queryset=Region.objects.only("id", "code", "name", "path"))
    )
    return NearbyPage(
        rows=[(t, math.sqrt(t.d2)) for t in window[:per_page]],
        has_next=len(window) > per_page,
        page=page,
        home_known=True,
        radius_km=radius,
        online=online,
    )
