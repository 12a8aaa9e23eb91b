"""A unit's daily figures: every registered indicator (core.indicators.all_indicators(),
docs/decisions/0008) computed for the unit's region at the end of a local day, and the
daily-form figures that have no other source. Nothing here imports another domain app."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from bastion.access.roles import Perm
from bastion.access.scoping import region_paths, restrict_by_path
from bastion.command.models import DailyForm
from bastion.command.selectors.common import get_or_404
from bastion.command.selectors.dailyforms import FormStatus, daily_form_list, form_status
from bastion.core.indicators import Scope, all_indicators
from bastion.geo.models import Region

logger = logging.getLogger("bastion.command")

# The first tag of an indicator names the app it comes from.
TAG_LABELS = {
    "geo": gettext_lazy("区划"),
    "people": gettext_lazy("人口"),
    "party": gettext_lazy("党组织"),
    "monitoring": gettext_lazy("居家观察"),
    "campaigns": gettext_lazy("排查"),
    "volunteers": gettext_lazy("志愿服务"),
    "supplies": gettext_lazy("物资"),
    "command": gettext_lazy("指挥调度"),
}


@dataclass(frozen=True)
class Figure:
    code: str
    name: str
    unit: str
    value: int | None
    link: str


def end_of_day(day: dt.date, now: dt.datetime | None = None) -> dt.datetime:
    """The end of local `day`, or now if that is still ahead."""
    now = now or timezone.now()
    end = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
    return min(end, now)


def figures_region(*, user, code: str | None) -> Region:
    """The region whose figures are asked for: by code, or the user's first own region."""
    qs = restrict_by_path(Region.objects.all(), user, Perm.COMMAND_VIEW)
    if code:
        return get_or_404(qs, code=code)
    paths = region_paths(user, Perm.COMMAND_VIEW)
    if paths is None:
        return get_or_404(Region.objects.filter(parent__isnull=True).order_by("path")[:1])
    return get_or_404(Region.objects.filter(path__in=paths).order_by("path")[:1])


def _label(indicator, attr: str) -> str:
    english = (translation.get_language() or "").startswith("en")
    return getattr(indicator, f"{attr}_{'en' if english else 'zh'}")


def unit_figures(*, user, region: Region, day: dt.date) -> list[tuple[str, list[Figure]]]:
    """(app name, figures) for every registered indicator, at the end of `day` in `region`.

    An indicator that fails is shown without a value (and logged) rather than taking the
    whole page down."""
    as_of = end_of_day(day)
    scope = Scope(user=user, region_path=region.path)
    groups: dict[str, list[Figure]] = {}
    query = urlencode({"region": region.code, "as_of": day.isoformat()})
    for indicator in all_indicators().values():
        try:
            value: int | None = indicator.count(scope, as_of)
        except Exception:  # noqa: BLE001 - another app's figure must not break this page
            logger.exception("indicator %s failed for region %s", indicator.code, region.code)
            value = None
        try:
            link = f"{reverse('reports:records', args=[indicator.code])}?{query}"
        except NoReverseMatch:
            link = ""
        tag = indicator.tags[0] if indicator.tags else "other"
        groups.setdefault(tag, []).append(
            Figure(
                indicator.code, _label(indicator, "name"), _label(indicator, "unit"), value, link
            )
        )
    return [(str(TAG_LABELS.get(tag, tag)), rows) for tag, rows in groups.items()]


def unit_form_figures(*, user, region: Region, day: dt.date) -> list[FormStatus]:
    """The status (filed, totals) of every active form for the units under `region`."""
    forms: list[DailyForm] = list(daily_form_list(user=user).prefetch_related("fields"))
    return [
        form_status(user=user, form=form, day=day, within=region)
        for form in forms
        if region.path.startswith(form.path) or form.path.startswith(region.path)
    ]
