"""Web pages of the region tree: home, region browser, grid page. Thin: select, then render."""

from __future__ import annotations

import math
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bastion.access.roles import Perm
from bastion.access.scoping import region_paths, scope_of
from bastion.geo.models import Level, Region
from bastion.geo.selectors import (
    household_list,
    region_ancestors,
    region_children,
    region_get,
    region_list,
)

# The grid page lists people; the person registry sits above geo, so only the view
# layer reaches for it (models and selectors of geo never do).
from bastion.people.selectors import person_list

PAGE_SIZE = 30
HOUSEHOLDS_PER_PAGE = 20
LONERS_SHOWN = 100
MAX_QUERY_LENGTH = 100  # longer search text is cut (SQLite refuses very long LIKE patterns)


def _page(request: HttpRequest, qs, per_page: int = PAGE_SIZE, param: str = "page"):
    return Paginator(qs, per_page).get_page(request.GET.get(param))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The regions at the top of the user's scope, and a few figures for all of it."""
    user = request.user
    paths = region_paths(user, Perm.REGION_VIEW)
    roots = region_list(user=user)
    if paths is None:
        roots = roots.filter(parent__isnull=True)
    else:
        scope = scope_of(user)
        grid_paths = scope.assigned_grid_paths if Perm.REGION_VIEW in scope.perms else []
        roots = roots.filter(path__in=[*paths, *grid_paths])
    figures = {
        "grids": region_list(user=user, level=Level.GRID).count(),
        "households": household_list(user=user).count(),
        "people": person_list(user=user).count(),
    }
    return render(
        request,
        "geo/home.html",
        {"roots": roots.annotate(child_count=Count("children")), "figures": figures},
    )


@login_required
def region_search(request: HttpRequest) -> HttpResponse:
    """Search every region the user may see by name or code prefix."""
    q = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = _page(request, region_list(user=request.user, q=q)) if q else None
    return render(request, "geo/search.html", {"q": q, "results": results})


def _counts_by_child(rows, children: list[Region]) -> dict[int, int]:
    """Fold counts grouped by grid path into the child whose path prefixes it."""
    by_path = {child.path: child.pk for child in children}
    totals: dict[int, int] = defaultdict(int)
    for path, n in rows:
        for child_path, pk in by_path.items():
            if path.startswith(child_path):
                totals[pk] += n
                break
    return totals


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A region's breadcrumb and children (or search within it); a grid gets the grid page."""
    user = request.user
    region = region_get(user=user, code=code)
    if region.is_grid:
        return _grid_page(request, region)
    q = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context = {"region": region, "ancestors": region_ancestors(region)[:-1], "q": q}
    if q:
        found = region_list(user=user, q=q, within=region.path)
        context["results"] = _page(request, found.exclude(pk=region.pk))
    else:
        children = _page(request, region_children(user=user, region=region))
        rows = list(children.object_list)
        people = (
            person_list(user=user, region_path=region.path)
            .prefetch_related(None)
            .select_related(None)
            .order_by()
            .values_list("path")
            .annotate(n=Count("id"))
        )
        homes = (
            household_list(user=user, within=region.path)
            .select_related(None)
            .order_by()
            .values_list("path")
            .annotate(n=Count("id"))
        )
        people_counts = _counts_by_child(people, rows)
        household_counts = _counts_by_child(homes, rows)
        for child in rows:
            child.people_count = people_counts.get(child.pk, 0)
            child.household_count = household_counts.get(child.pk, 0)
        context["children"] = children
    return render(request, "geo/region.html", context)


@login_required
def grid_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The grid page at /grids/<code>/; any other level is not a grid here."""
    region = region_get(user=request.user, code=code)
    if not region.is_grid:
        raise Http404
    return _grid_page(request, region)


def _grid_page(request: HttpRequest, grid: Region) -> HttpResponse:
    user = request.user
    households = _page(
        request, household_list(user=user, grid=grid).order_by("label"), HOUSEHOLDS_PER_PAGE
    )
    members: dict[int, list] = defaultdict(list)
    page_ids = [h.pk for h in households.object_list]
    if page_ids:
        for person in (
            person_list(user=user)
            .filter(household_id__in=page_ids)
            .order_by("household_id", "name", "id")
        ):
            members[person.household_id].append(person)
    for household in households.object_list:
        household.people = members.get(household.pk, [])
    loners_qs = person_list(user=user, region_path=grid.path).filter(household__isnull=True)
    loners = list(loners_qs.order_by("name", "id")[: LONERS_SHOWN + 1])
    return render(
        request,
        "geo/grid.html",
        {
            "grid": grid,
            "ancestors": region_ancestors(grid)[:-1],
            "households": households,
            "loners": loners[:LONERS_SHOWN],
            "loners_more": len(loners) > LONERS_SHOWN,
            "boundary": boundary_svg(grid.boundary),
        },
    )


def boundary_svg(boundary: dict | None, width: float = 300.0) -> dict | None:
    """Project a GeoJSON Polygon/MultiPolygon onto an SVG viewBox (north up, width fixed).

    Returns {"viewbox": "...", "polygons": ["x,y x,y ...", ...]} or None when there is
    nothing drawable.
    """
    if not isinstance(boundary, dict):
        return None
    kind, coords = boundary.get("type"), boundary.get("coordinates")
    try:
        if kind == "Polygon":
            rings = [coords[0]]
        elif kind == "MultiPolygon":
            rings = [polygon[0] for polygon in coords]
        else:
            return None
        points = [[(float(p[0]), float(p[1])) for p in ring] for ring in rings]
    except (TypeError, IndexError, ValueError):
        return None
    flat = [p for ring in points for p in ring]
    if len(flat) < 3:
        return None
    min_x, max_x = min(p[0] for p in flat), max(p[0] for p in flat)
    min_y, max_y = min(p[1] for p in flat), max(p[1] for p in flat)
    shrink = math.cos(math.radians((min_y + max_y) / 2))
    span_x, span_y = (max_x - min_x) * shrink, max_y - min_y
    if span_x <= 0 or span_y <= 0:
        return None
    scale = width / max(span_x, span_y)
    pad = 8.0
    w, h = span_x * scale, span_y * scale
    polygons = [
        " ".join(
            f"{(x - min_x) * shrink * scale + pad:.1f},{(max_y - y) * scale + pad:.1f}"
            for x, y in ring
        )
        for ring in points
    ]
    return {"viewbox": f"0 0 {w + 2 * pad:.1f} {h + 2 * pad:.1f}", "polygons": polygons}
