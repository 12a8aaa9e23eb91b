"""A volunteer's record (their own, or as staff see it), the community ranking, and the
list of no-shows waiting for confirmation."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, has_perm, region_paths
from bastion.core.masking import mask_name
from bastion.geo.models import Region
from bastion.volunteers.selectors.claims import (
    my_record,
    pending_no_shows,
    ranking,
    volunteer_record,
)
from bastion.volunteers.selectors.people import volunteer_of_user
from bastion.volunteers.selectors.places import COMMUNITY_LEVELS, ancestor_paths, community_of
from bastion.volunteers.selectors.tasks import prefix_q


@login_required
def me(request: HttpRequest) -> HttpResponse:
    record = my_record(user=request.user)
    return render(request, "volunteers/records/record.html", {"record": record, "own": True})


@login_required
def person_record(request: HttpRequest, public_id) -> HttpResponse:
    record = volunteer_record(user=request.user, person_public_id=public_id)
    return render(request, "volunteers/records/record.html", {"record": record, "own": False})


PERIODS = {"month": 30, "quarter": 90, "all": None}


def _ranking_communities(user) -> list[Region]:
    """Communities whose ranking the user may open: where they serve, or their scope."""
    volunteer = volunteer_of_user(user)
    codes = []
    if volunteer is not None:
        codes = [p.rstrip("/").rsplit("/", 1)[-1] for p in volunteer.community_paths]
        if volunteer.resident is not None:
            codes.append(volunteer.resident.community.code)
    qs = Region.objects.filter(level__in=COMMUNITY_LEVELS)
    paths = region_paths(user, Perm.VOLUNTEER_VIEW)
    if paths is None:
        return list(qs.order_by("path")[:500])
    above = {a for p in paths for a in ancestor_paths(p)}  # a grid worker's community
    scoped = qs.filter(prefix_q("path", paths) | Q(path__in=above)) if paths else qs.none()
    return list((scoped | qs.filter(code__in=codes)).distinct().order_by("path")[:500])


@login_required
def ranking_view(request: HttpRequest) -> HttpResponse:
    communities = _ranking_communities(request.user)
    if not communities:
        raise Http404
    code = request.GET.get("community", "")
    chosen = next((c for c in communities if c.code == code), None)
    if chosen is None:
        volunteer = volunteer_of_user(request.user)
        home = community_of(volunteer.home.path) if volunteer and volunteer.home else None
        chosen = next((c for c in communities if home and c.pk == home.pk), communities[0])
    period = request.GET.get("period", "month")
    if period not in PERIODS:
        period = "month"
    days = PERIODS[period]
    since = timezone.localdate() - dt.timedelta(days=days) if days else None
    volunteer = volunteer_of_user(request.user)
    rows = ranking(
        community_path=chosen.path, since=since, me=volunteer.person if volunteer else None
    )
    staff = can_on_path(request.user, Perm.VOLUNTEER_VIEW, chosen.path) and has_perm(
        request.user, Perm.TASK_PUBLISH
    )
    for row in rows:
        row.display = row.name if (staff or row.is_me) else mask_name(row.name)
    return render(
        request,
        "volunteers/records/ranking.html",
        {
            "rows": rows,
            "community": chosen,
            "communities": communities,
            "period": period,
            "periods": [
                ("month", _("近30天")),
                ("quarter", _("近90天")),
                ("all", _("全部")),
            ],
        },
    )


@login_required
def no_shows(request: HttpRequest) -> HttpResponse:
    """Derived no-shows on tasks the user leads or manages, waiting for confirmation."""
    if not has_perm(request.user, Perm.TASK_PUBLISH):
        raise PermissionDenied(_("只有任务发布方可以确认未到岗"))
    page = Paginator(pending_no_shows(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "volunteers/records/no_shows.html", {"page": page})
