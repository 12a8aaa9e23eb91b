"""Scoped reads of indicators: the figure, its breakdown and the records behind it.

Every figure is computed for the user's scope (the indicator's records function takes
the user); narrowing to a region the user cannot see answers 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from bastion.access.roles import Perm
from bastion.access.scoping import (
    _prefix_q,
    has_perm,
    region_paths,
    restrict_by_path,
    restrict_regions,
)
from bastion.core.indicators import Indicator, Scope
from bastion.core.masking import mask_name
from bastion.geo.models import Region
from bastion.reports import registry


@dataclass(frozen=True)
class IndicatorValue:
    indicator: Indicator
    value: int
    breakdown: list[tuple[str, str, int]]
    region: Region | None
    as_of: dt.datetime


@dataclass(frozen=True)
class RecordRow:
    """What a records list shows: public identifiers and names/codes, never personal numbers."""

    public_id: str
    kind: str
    name: str
    code: str
    region_code: str
    region_name: str
    link: str = ""


def as_of_moment(day: dt.date | None) -> dt.datetime:
    """The end of local day `day` (Asia/Shanghai) as an aware datetime; now when None."""
    now = timezone.now()
    if day is None:
        return now
    end = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
    return min(end, now)


def localized(indicator: Indicator, attr: str) -> str:
    """name/unit in the active language: English when active, Chinese otherwise."""
    english = (translation.get_language() or "").startswith("en")
    return getattr(indicator, f"{attr}_{'en' if english else 'zh'}")


def indicator_list(*, user) -> list[Indicator]:
    """Registered indicators, if the user may see figures at all."""
    if not has_perm(user, Perm.INDICATOR_VIEW):
        return []
    return list(registry.all_indicators().values())


def indicator_get(*, user, code: str) -> Indicator:
    """One indicator; Http404 when unknown or the user may not see figures."""
    indicator = registry.all_indicators().get(code)
    if indicator is None or not has_perm(user, Perm.INDICATOR_VIEW):
        raise Http404
    return indicator


def indicator_region(*, user, code: str | None) -> Region | None:
    """The region to narrow figures to; Http404 if it is missing or not visible to the user."""
    if not code:
        return None
    try:
        return restrict_regions(Region.objects.all(), user, Perm.INDICATOR_VIEW).get(code=code)
    except Region.DoesNotExist as exc:
        raise Http404 from exc


def _scope(user, region: Region | None) -> Scope:
    return Scope(user=user, region_path=region.path if region else None)


def indicator_value(
    *, user, code: str, region_code: str | None = None, as_of: dt.date | None = None
) -> IndicatorValue:
    indicator = indicator_get(user=user, code=code)
    region = indicator_region(user=user, code=region_code)
    return _evaluate(indicator, user, region, as_of_moment(as_of))


def indicator_values(
    *, user, region_code: str | None = None, as_of: dt.date | None = None
) -> tuple[Region | None, list[IndicatorValue]]:
    """The narrowing region and every indicator's figure for the user's scope (reports page)."""
    region = indicator_region(user=user, code=region_code)
    moment = as_of_moment(as_of)
    return region, [_evaluate(i, user, region, moment) for i in indicator_list(user=user)]


def _evaluate(
    indicator: Indicator, user, region: Region | None, moment: dt.datetime
) -> IndicatorValue:
    scope = _scope(user, region)
    breakdown = list(indicator.breakdown(scope, moment)) if indicator.breakdown else []
    return IndicatorValue(
        indicator=indicator,
        value=indicator.count(scope, moment),
        breakdown=breakdown,
        region=region,
        as_of=moment,
    )


class RecordRows:
    """A queryset of an indicator's records seen as RecordRow items.

    It slices and counts like a queryset, so ninja's pagination and Django's Paginator
    both page it without loading more than one page.
    """

    def __init__(self, indicator: Indicator, queryset: QuerySet):
        self.indicator = indicator
        model = queryset.model
        queryset = queryset.prefetch_related(None)  # rows show no related lists
        if _has_fk(model, "region"):
            queryset = queryset.select_related("region")
        if not queryset.ordered:
            queryset = queryset.order_by("pk")
        self.queryset = queryset

    def all(self) -> RecordRows:
        return self

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if isinstance(item, slice):
            return [record_row(obj, self.indicator.record_view) for obj in self.queryset[item]]
        return record_row(self.queryset[item], self.indicator.record_view)


def indicator_records(
    *, user, code: str, region_code: str | None = None, as_of: dt.date | None = None
) -> RecordRows:
    """The records behind a figure, for the user's scope, as masked rows."""
    indicator = indicator_get(user=user, code=code)
    region = indicator_region(user=user, code=region_code)
    return RecordRows(indicator, indicator.records(_scope(user, region), as_of_moment(as_of)))


def indicator_drilldown(
    *, user, code: str, region_code: str | None = None, as_of: dt.date | None = None
) -> tuple[IndicatorValue, RecordRows]:
    """A figure together with the records behind it (the records page)."""
    indicator = indicator_get(user=user, code=code)
    region = indicator_region(user=user, code=region_code)
    moment = as_of_moment(as_of)
    value = _evaluate(indicator, user, region, moment)
    return value, RecordRows(indicator, indicator.records(_scope(user, region), moment))


def _has_fk(model, name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist
        return False
    return bool(getattr(field, "many_to_one", False))


def record_row(obj, record_view: str = "") -> RecordRow:
    """Public id, kind and a name or code: person names are masked (张**)."""
    model_name = obj._meta.model_name
    region = obj if isinstance(obj, Region) else getattr(obj, "region", None)
    if isinstance(obj, Region):
        name = obj.name
    elif model_name == "person":
        name = mask_name(obj.name)
    else:
        name = str(getattr(obj, "label", "") or getattr(obj, "name", "") or obj)
    public_id = str(getattr(obj, "public_id", "") or "")
    return RecordRow(
        public_id=public_id,
        kind=model_name,
        name=name,
        code=obj.code if isinstance(obj, Region) else "",
        region_code=region.code if region is not None else "",
        region_name=region.name if region is not None else "",
        link=_record_link(record_view, obj, public_id),
    )


def _record_link(record_view: str, obj, public_id: str) -> str:
    if not record_view:
        return ""
    attempts = [{"public_id": public_id}]
    if isinstance(obj, Region):
        attempts.insert(0, {"code": obj.code})
    for kwargs in attempts:
        try:
            return reverse(record_view, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


# --- Daily briefings -----------------------------------------------------------------------


def briefing_list(*, user):
    """Briefings the user may read: published ones in their figures' scope, and drafts of
    regions where they may write briefings."""
    from bastion.reports.models import Briefing, BriefingStatus

    if not has_perm(user, Perm.INDICATOR_VIEW):
        return Briefing.objects.none()
    qs = restrict_by_path(Briefing.objects.all(), user, Perm.INDICATOR_VIEW)
    writers = region_paths(user, Perm.BRIEFING_WRITE)
    if writers is not None:
        qs = qs.filter(Q(status=BriefingStatus.PUBLISHED) | _prefix_q("path", writers))
    return qs.select_related("region")


def briefing_get(*, user, public_id):
    from django.core.exceptions import ValidationError

    from bastion.reports.models import Briefing

    try:
        return briefing_list(user=user).get(public_id=public_id)
    except (Briefing.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc


def briefing_regions(*, user):
    """Regions the user may write briefings for (whole subtrees), counties and towns first."""
    return restrict_by_path(Region.objects.all(), user, Perm.BRIEFING_WRITE).exclude(level="grid")
