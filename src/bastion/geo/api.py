"""The region API: list, read, create, update, households of a region, import."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile
from ninja.pagination import paginate

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, has_perm, region_paths
from bastion.core.apierrors import ApiError
from bastion.core.audit import client_ip
from bastion.core.importing import ImportMode
from bastion.core.pagination import PageNumberPagination
from bastion.geo.importing import regions_import
from bastion.geo.importrows import parse_level
from bastion.geo.schemas import (
    HouseholdOut,
    RegionCreateIn,
    RegionDetailOut,
    RegionOut,
    RegionPatchIn,
)
from bastion.geo.selectors import household_list, region_get, region_get_by_key, region_list
from bastion.geo.services import region_create, region_update

router = Router(tags=["regions"])
MAX_QUERY_LENGTH = 100


def _user(request):
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def _level(value: str | None) -> str | None:
    if not value:
        return None
    level = parse_level(value)
    if level is None:
        raise ValidationError({"level": _("未知的区划级别：%(value)s") % {"value": value}})
    return level


def _centroid(lng: float | None, lat: float | None) -> tuple[float, float] | None:
    if lng is None and lat is None:
        return None
    if lng is None or lat is None:
        raise ValidationError({"centroid_lng": _("经度和纬度须同时填写")})
    return (lng, lat)


def _denied() -> ApiError:
    return ApiError(403, "forbidden", _("您没有修改此区划的权限"))


@router.get("", response=list[RegionOut])
@paginate(PageNumberPagination, page_size=50)
def list_regions(
    request,
    level: str | None = None,
    parent: str | None = None,
    within: str | None = None,
    q: str = "",
):
    """Regions the caller may see; `parent` gives one region's children, `within` its subtree."""
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationError({"q": _("搜索内容不能超过 %(n)d 个字") % {"n": MAX_QUERY_LENGTH}})
    user = _user(request)
    parent_region = region_get(user=user, code=parent) if parent else None
    within_path = region_get(user=user, code=within).path if within else None
    return region_list(
        user=user, level=_level(level), parent=parent_region, within=within_path, q=q.strip()
    )


@router.post("/import", response=dict)
def import_regions(
    request,
    file: UploadedFile = File(...),  # noqa: B008 - ninja's declaration style
    dry_run: bool = True,
    mode: str = ImportMode.ALL_OR_NOTHING,
):
    """Import a region file (.csv/.xlsx). Defaults to a dry run; `dry_run=false` writes."""
    user = _user(request)
    if not has_perm(user, Perm.REGION_IMPORT):
        raise ApiError(403, "forbidden", _("您没有导入区划的权限"))
    if mode not in (ImportMode.ALL_OR_NOTHING, ImportMode.VALID_ROWS):
        raise ValidationError({"mode": _("导入方式应为all_or_nothing或valid_rows")})
    if file.size and file.size > settings.BASTION_MAX_IMPORT_BYTES:
        raise ApiError(413, "file_too_large", _("文件过大"))
    report = regions_import(
        actor=user,
        source=file.file,
        filename=file.name or "",
        dry_run=dry_run,
        mode=mode,
        ip_address=client_ip(request),
    )
    return report.as_dict()


@router.post("", response={201: RegionDetailOut})
def create_region(request, payload: RegionCreateIn):
    """Create a region; the caller needs REGION_CHANGE where the parent is."""
    user = _user(request)
    parent = None
    if payload.parent:
        parent = region_get(user=user, code=payload.parent)
        if not can_on_path(user, Perm.REGION_CHANGE, parent.path):
            raise _denied()
    elif region_paths(user, Perm.REGION_CHANGE) is not None:
        raise _denied()
    region = region_create(
        code=payload.code,
        name=payload.name,
        level=_level(payload.level) or "",
        parent=parent,
        boundary=payload.boundary,
        centroid=_centroid(payload.centroid_lng, payload.centroid_lat),
        actor=user,
        ip_address=client_ip(request),
    )
    return Status(201, region)


@router.get("/{key}", response=RegionDetailOut)
def get_region(request, key: str):
    """One region by code or public id."""
    return region_get_by_key(user=_user(request), key=key)


@router.patch("/{key}", response=RegionDetailOut)
def update_region(request, key: str, payload: RegionPatchIn):
    """Rename a region or replace its boundary; the caller needs REGION_CHANGE on it."""
    user = _user(request)
    region = region_get_by_key(user=user, key=key)
    if not can_on_path(user, Perm.REGION_CHANGE, region.path):
        raise _denied()
    return region_update(
        actor=user,
        region=region,
        name=payload.name,
        boundary=payload.boundary,
        centroid=_centroid(payload.centroid_lng, payload.centroid_lat),
        ip_address=client_ip(request),
    )


@router.get("/{key}/households", response=list[HouseholdOut])
@paginate(PageNumberPagination, page_size=50)
def list_region_households(request, key: str):
    """Households in a grid (or in a region's subtree) that the caller may see."""
    user = _user(request)
    region = region_get_by_key(user=user, key=key)
    return (
        household_list(user=user, within=region.path)
        .annotate(member_count=Count("members"))
        .order_by("path", "label")
    )
