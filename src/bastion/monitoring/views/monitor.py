"""The monitoring view for a region, its drill-down lists, and a person's timeline."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.core.masking import mask_name
from bastion.geo.models import Region
from bastion.monitoring.models import ServiceKind
from bastion.monitoring.selectors.alerts import observation_timeline
from bastion.monitoring.selectors.monitor import (
    KEYS,
    can_monitor,
    child_regions,
    monitor_counts,
    monitor_records,
    monitor_region,
)
from bastion.monitoring.selectors.observations import (
    observation_can_change,
    observation_get,
    observation_team,
    visible_prefixes,
)

PAGE_SIZE = 50
LABELS = {
    "under": _("观察中"),
    "new": _("今日新增"),
    "released": _("今日解除"),
    "due": _("今日待随访"),
    "done": _("今日已随访"),
    "overdue": _("今日逾期"),
    "abnormal": _("今日异常"),
    "fever_alerts": _("未处置发热预警"),
    "services": _("未完成居家服务"),
}


def _region_or_404(user, code: str | None) -> Region | None:
    return None if code is None else monitor_region(user=user, code=code)


def _no_permission(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/monitor/forbidden.html", status=403)


def _drill_url(region: Region | None, key: str) -> str:
    if region is None:
        return reverse("monitoring:monitor_drill", args=[key])
    return reverse("monitoring:monitor_region_drill", args=[region.code, key])


def _cells(region: Region | None, counts: dict[str, int], query: str = "") -> list[dict]:
    return [
        {"key": key, "label": LABELS[key], "n": counts[key], "url": _drill_url(region, key) + query}
        for key in KEYS
    ]


@login_required
def monitor(request: HttpRequest, code: str | None = None) -> HttpResponse:
    if not can_monitor(request.user):
        return _no_permission(request)
    region = _region_or_404(request.user, code)
    now = timezone.now()
    children = child_regions(user=request.user, region=region)
    counts = monitor_counts(
        user=request.user, region_path=region.path if region else None, now=now, children=children
    )
    ancestors = []
    if region is not None:  # the breadcrumb: only levels whose figures the user may open
        codes = [c for c in region.path.strip("/").split("/") if c][:-1]
        prefixes = visible_prefixes(request.user)
        ancestors = [
            r
            for r in Region.objects.filter(code__in=codes).order_by("path")
            if prefixes is None or any(r.path.startswith(p) for p in prefixes)
        ]
    context = {
        "region": region,
        "ancestors": ancestors,
        "now": now,
        "labels": [LABELS[k] for k in KEYS],
        "figures": _cells(region, counts["totals"]),
        "by_category": [
            (policy, _cells(region, c, f"?category={policy.category}"))
            for policy, c in counts["by_category"]
        ],
        "by_origin": [
            (origin, _cells(region, c, "?" + _origin_query(origin)))
            for origin, c in counts["by_origin"]
        ],
        "children": [(child, _cells(child, c)) for child, c in counts["children"]],
        "children_unplaced": _cells(region, counts["unplaced"]) if counts["unplaced"] else None,
    }
    return render(request, "monitoring/monitor/view.html", context)


def _origin_query(origin: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"origin": origin})


@login_required
def drill(request: HttpRequest, key: str, code: str | None = None) -> HttpResponse:
    if key not in KEYS:
        raise Http404
    if not can_monitor(request.user):
        return _no_permission(request)
    region = _region_or_404(request.user, code)
    category = request.GET.get("category") or None
    origin = request.GET.get("origin")
    records = monitor_records(
        user=request.user,
        key=key,
        region_path=region.path if region else None,
        now=timezone.now(),
        category=category,
        origin=origin,
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for obj in page.object_list:
        observation = obj if key not in ("fever_alerts", "services") else obj.observation
        rows.append(
            {"obj": obj, "observation": observation, "name": mask_name(observation.person.name)}
        )
    return render(
        request,
        "monitoring/monitor/drill.html",
        {
            "region": region,
            "key": key,
            "label": LABELS[key],
            "page": page,
            "rows": rows,
            "category": category,
            "origin": origin,
        },
    )


@login_required
def timeline(request: HttpRequest, public_id) -> HttpResponse:
    observation = observation_get(user=request.user, public_id=public_id)
    events = observation_timeline(observation=observation)
    return render(
        request,
        "monitoring/monitor/timeline.html",
        {
            "observation": observation,
            "name": mask_name(observation.person.name),
            "events": events,
            "team": observation_team(observation),
            "can_change": observation_can_change(request.user, observation),
            "service_kinds": ServiceKind.choices,
        },
    )
