"""Arrivals (who came back from where, and when) and their matching against risk areas."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.audit import Action, audit_record
from bastion.monitoring.models import Arrival, RiskArea, Transport
from bastion.people.models import Person


def risk_area_q(area: RiskArea, *, today: dt.date, prefix: str = "") -> Q:
    """Arrivals from `area` inside its risky window (open end: until today)."""
    where = Q(**{f"{prefix}origin__icontains": area.name})
    if area.code:
        where |= Q(**{f"{prefix}origin_code__startswith": area.code})
    until = area.risky_until or today
    return where & Q(
        **{f"{prefix}arrived_on__gte": area.risky_from, f"{prefix}arrived_on__lte": until}
    )


def risk_area_for_origin(*, origin: str, on: dt.date) -> RiskArea | None:
    """The risk area an origin text names, if it was risky on that day."""
    text = (origin or "").strip()
    if not text:
        return None
    for area in RiskArea.objects.filter(risky_from__lte=on).filter(
        Q(risky_until__isnull=True) | Q(risky_until__gte=on)
    ):
        if area.name and area.name in text:
            return area
    return None


@transaction.atomic
def arrival_record(
    *,
    actor,
    person: Person,
    origin: str,
    arrived_on: dt.date,
    origin_code: str = "",
    transport: str = "",
    transport_number: str = "",
    now: dt.datetime | None = None,
) -> Arrival:
    """Log that a person arrived from `origin` on `arrived_on` (before any category applies).

    An arrival is a fact: a date after today is refused here as everywhere else.
    """
    errors: dict[str, list[str]] = {}
    origin = (origin or "").strip()
    if not origin:
        errors["origin"] = [_("来源地不能为空")]
    if arrived_on is None:
        errors["arrived_on"] = [_("请填写到达日期")]
    elif arrived_on > timezone.localdate(now or timezone.now()):
        errors["arrived_on"] = [_("到达日期不能晚于今天")]
    if transport and transport not in Transport.values:
        errors["transport"] = [_("未知的交通方式：%(value)s") % {"value": transport}]
    if person.region_id is None:
        errors["person"] = [_("%(name)s没有所属网格，请先登记网格") % {"name": person.name}]
    if errors:
        raise ValidationError(errors)
    arrival = Arrival(
        person=person,
        path=person.path,
        origin=origin[:100],
        origin_code=(origin_code or "").strip()[:12],
        arrived_on=arrived_on,
        transport=transport,
        transport_number=(transport_number or "").strip().upper()[:20],
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    arrival.full_clean()
    arrival.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=arrival,
        changes={
            "person": [None, str(person.public_id)],
            "origin": [None, arrival.origin],
            "arrived_on": [None, arrived_on.isoformat()],
        },
    )
    return arrival
