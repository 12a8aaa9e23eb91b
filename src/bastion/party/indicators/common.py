"""Shared by the party indicators: the user's scope on a party model, the as-of day,
percentages, and the party's Indicator with its default count."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_org_or_region
from bastion.core.indicators import Indicator, Scope


def _scoped(model, scope: Scope, *, org_field: str = "org_path", region_field: str = "region_path"):
    qs = model.objects.all()
    if not getattr(scope.user, "is_authenticated", False):
        return qs.none()
    qs = restrict_by_org_or_region(
        qs, scope.user, Perm.PARTY_VIEW, org_field=org_field, region_field=region_field
    )
    if scope.region_path:
        qs = qs.filter(**{f"{region_field}__startswith": scope.region_path})
    if scope.org_path:
        qs = qs.filter(**{f"{org_field}__startswith": scope.org_path})
    return qs


def _day(as_of: dt.datetime) -> dt.date:
    return timezone.localdate(as_of)


def _percent(part: int, whole: int) -> int:
    if not whole:
        return 0
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal("1"), ROUND_HALF_UP))


def _count(records):
    def count(scope: Scope, as_of: dt.datetime) -> int:
        return records(scope, as_of).order_by().count()

    return count


def _indicator(code, name_zh, name_en, unit_zh, unit_en, description, records, **kw):
    kw.setdefault("count_fn", _count(records))
    return Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit_zh=unit_zh,
        unit_en=unit_en,
        description=description,
        records=records,
        tags=("party",),
        **kw,
    )
