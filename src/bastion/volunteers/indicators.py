"""Indicators owned by the volunteers app (see core/indicators.py, docs/decisions/0044).

Every figure is computed in the user's staff scope (Perm.VOLUNTEER_VIEW by region or
organization), optionally narrowed to a region, as of a moment: records created later
are left out. Rates are whole per cent; the average rating is on a 100-point scale (five
stars = 100) because indicator values are integers.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_org_or_region, restrict_by_path
from bastion.core.indicators import Indicator, Scope
from bastion.party.models import CommunityRegistration, RegistrationStatus
from bastion.people.models import Person
from bastion.volunteers.models import (
    Attendance,
    AttendanceOutcome,
    CheckEvent,
    CheckKind,
    Claim,
    ResidentVolunteer,
    ServiceOrder,
    Task,
)
from bastion.volunteers.selectors.tasks import visible_q


def _narrow(qs: QuerySet, scope: Scope, field: str = "path") -> QuerySet:
    return qs.filter(**{f"{field}__startswith": scope.region_path}) if scope.region_path else qs


def _percent(part, whole) -> int:
    if not whole:
        return 0
    value = Decimal(part) * 100 / Decimal(whole)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- Registered volunteers ------------------------------------------------------------------


def _registrations(scope: Scope, as_of: dt.datetime) -> QuerySet[CommunityRegistration]:
    qs = restrict_by_org_or_region(
        CommunityRegistration.objects.all(), scope.user, Perm.VOLUNTEER_VIEW, region_field="path"
    )
    day = timezone.localtime(as_of).date()
    qs = qs.filter(status=RegistrationStatus.CONFIRMED, decided_at__lte=as_of).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)
    )
    return _narrow(qs, scope)


def _residents(scope: Scope, as_of: dt.datetime) -> QuerySet[ResidentVolunteer]:
    qs = restrict_by_path(ResidentVolunteer.objects.all(), scope.user, Perm.VOLUNTEER_VIEW)
    day = timezone.localtime(as_of).date()
    qs = qs.filter(created_at__lte=as_of).filter(Q(active=True) | Q(left_on__gt=day))
    return _narrow(qs, scope)


def registered_volunteers(scope: Scope, as_of: dt.datetime) -> QuerySet[Person]:
    """Members registered (in force) at a community in scope, and resident volunteers."""
    members = _registrations(scope, as_of).values("member__person_id")
    residents = _residents(scope, as_of).values("person_id")
    return Person.objects.filter(Q(pk__in=members) | Q(pk__in=residents)).order_by("path", "id")


def _registered_count(scope: Scope, as_of: dt.datetime) -> int:
    """How many `registered_volunteers`: the union of the two id sets, counted without
    visiting the people table (an OR of two IN subqueries makes it scan every person)."""
    members = _registrations(scope, as_of).order_by().values_list("member__person_id")
    residents = _residents(scope, as_of).order_by().values_list("person_id")
    return members.union(residents).count()


def registered_breakdown(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    return [
        (
            "members",
            _("报到党员"),
            _registrations(scope, as_of).values("member_id").distinct().count(),
        ),
        ("residents", _("居民志愿者"), _residents(scope, as_of).count()),
    ]


# --- Tasks and slots --------------------------------------------------------------------------


def published_tasks(scope: Scope, as_of: dt.datetime) -> QuerySet[Task]:
    """Tasks published by `as_of` and not cancelled by then."""
    q = visible_q(scope.user, as_volunteer=False)
    qs = Task.objects.all() if q is None else Task.objects.filter(q)
    qs = qs.filter(created_at__lte=as_of).filter(
        Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=as_of)
    )
    return _narrow(qs, scope).order_by("starts_at", "id")


def tasks_by_kind(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    rows = (
        published_tasks(scope, as_of)
        .order_by()
        .values("kind__code", "kind__name_zh", "kind__order")
        .annotate(n=Count("id"))
        .order_by("kind__order", "kind__code")
    )
    return [(r["kind__code"], r["kind__name_zh"], r["n"]) for r in rows]


def _held_claims(scope: Scope, as_of: dt.datetime) -> QuerySet[Claim]:
    """Claims holding a slot at `as_of` on the published tasks."""
    return Claim.objects.filter(
        task__in=published_tasks(scope, as_of).values("pk"), holding_since__lte=as_of
    ).filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=as_of))


def _fill(scope: Scope, as_of: dt.datetime) -> tuple[int, int]:
    slots = published_tasks(scope, as_of).aggregate(n=Sum("slots"))["n"] or 0
    return _held_claims(scope, as_of).count(), slots


def fill_rate(scope: Scope, as_of: dt.datetime) -> int:
    filled, slots = _fill(scope, as_of)
    return _percent(filled, slots)


def fill_breakdown(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    filled, slots = _fill(scope, as_of)
    return [("filled", _("已认领名额"), filled), ("slots", _("发布名额"), slots)]


# --- Hours and no-shows ----------------------------------------------------------------------------


def _attendance(scope: Scope, as_of: dt.datetime) -> QuerySet[Attendance]:
    """Attendance entries in force at `as_of` (confirmed by then, not yet corrected)."""
    q = visible_q(scope.user, prefix="task__", as_volunteer=False)
    qs = Attendance.objects.all() if q is None else Attendance.objects.filter(q)
    corrected = Attendance.objects.filter(corrects=OuterRef("pk"), confirmed_at__lte=as_of)
    qs = qs.filter(confirmed_at__lte=as_of).exclude(Exists(corrected))
    return _narrow(qs, scope)


def hours_records(scope: Scope, as_of: dt.datetime) -> QuerySet[Attendance]:
    return (
        _attendance(scope, as_of)
        .filter(outcome=AttendanceOutcome.ATTENDED)
        .select_related("person", "task")
        .order_by("-served_on", "id")
    )


def hours_served(scope: Scope, as_of: dt.datetime) -> int:
    total = hours_records(scope, as_of).aggregate(h=Sum("hours"))["h"] or Decimal(0)
    return int(Decimal(total).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hours_breakdown(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    totals = hours_records(scope, as_of).aggregate(p=Sum("points"), n=Count("id"))
    return [("points", _("积分"), totals["p"] or 0), ("attendances", _("出勤人次"), totals["n"])]


def _ended_claims(scope: Scope, as_of: dt.datetime) -> QuerySet[Claim]:
    """Claims that held a slot when their task ended, for tasks ended by `as_of`."""
    tasks = published_tasks(scope, as_of).filter(ends_at__lte=as_of)
    return Claim.objects.filter(
        task__in=tasks.values("pk"), holding_since__isnull=False, holding_since__lte=as_of
    ).filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=F("task__ends_at")))


def no_show_records(scope: Scope, as_of: dt.datetime) -> QuerySet[Claim]:
    """Held claims of ended tasks with no check-in and no attendance in force."""
    checked_in = CheckEvent.objects.filter(claim=OuterRef("pk"), kind=CheckKind.IN, at__lte=as_of)
    attended = _attendance(scope, as_of).filter(
        claim=OuterRef("pk"), outcome=AttendanceOutcome.ATTENDED
    )
    return (
        _ended_claims(scope, as_of)
        .exclude(Exists(checked_in))
        .exclude(Exists(attended))
        .select_related("person", "task")
        .order_by("task__starts_at", "id")
    )


def no_show_rate(scope: Scope, as_of: dt.datetime) -> int:
    return _percent(no_show_records(scope, as_of).count(), _ended_claims(scope, as_of).count())


def no_show_breakdown(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    return [
        ("no_shows", _("未到岗"), no_show_records(scope, as_of).count()),
        ("held", _("已结束任务的认领"), _ended_claims(scope, as_of).count()),
    ]


# --- Service orders ------------------------------------------------------------------------------------


def _orders(scope: Scope, as_of: dt.datetime) -> QuerySet[ServiceOrder]:
    qs = restrict_by_path(ServiceOrder.objects.all(), scope.user, Perm.VOLUNTEER_VIEW)
    return _narrow(qs.filter(created_at__lte=as_of), scope).select_related("region")


def orders_open(scope: Scope, as_of: dt.datetime) -> QuerySet[ServiceOrder]:
    return (
        _orders(scope, as_of)
        .exclude(done_at__lte=as_of)
        .exclude(cancelled_at__lte=as_of)
        .order_by("created_at", "id")
    )


def orders_done(scope: Scope, as_of: dt.datetime) -> QuerySet[ServiceOrder]:
    return _orders(scope, as_of).filter(done_at__lte=as_of).order_by("-done_at", "id")


def rated_orders(scope: Scope, as_of: dt.datetime) -> QuerySet[ServiceOrder]:
    return _orders(scope, as_of).filter(rated_at__lte=as_of).order_by("-rated_at", "id")


def rating_average(scope: Scope, as_of: dt.datetime) -> int:
    """Average rating of the orders rated by `as_of`, five stars = 100."""
    average = rated_orders(scope, as_of).aggregate(a=Avg("rating"))["a"]
    if average is None:
        return 0
    return int((Decimal(str(average)) * 20).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def ratings_by_star(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    counts = dict(
        rated_orders(scope, as_of).order_by().values_list("rating").annotate(n=Count("id"))
    )
    return [
        (str(star), _("%(n)d星") % {"n": star}, counts.get(star, 0)) for star in range(5, 0, -1)
    ]


INDICATORS = [
    Indicator(
        code="volunteers_registered",
        name_zh="登记志愿者",
        name_en="Registered volunteers",
        unit_zh="人",
        unit_en="people",
        description=gettext_lazy("范围内持有效社区报到的党员和登记的居民志愿者人数。"),
        records=registered_volunteers,
        count_fn=_registered_count,
        breakdown=registered_breakdown,
        record_view="volunteers:person_record",
        tags=("volunteers",),
    ),
    Indicator(
        code="volunteers_tasks_published",
        name_zh="发布志愿任务",
        name_en="Tasks published",
        unit_zh="个",
        unit_en="tasks",
        description=gettext_lazy("已发布且未取消的志愿服务任务数（周期任务的每个班次各计一次）。"),
        records=published_tasks,
        breakdown=tasks_by_kind,
        record_view="volunteers:task_detail",
        tags=("volunteers",),
    ),
    Indicator(
        code="volunteers_slot_fill_rate",
        name_zh="任务名额认领率",
        name_en="Slots filled",
        unit_zh="%",
        unit_en="%",
        description=gettext_lazy("已被认领的名额占已发布任务名额的比例。"),
        records=published_tasks,
        count_fn=fill_rate,
        breakdown=fill_breakdown,
        record_view="volunteers:task_detail",
        tags=("volunteers",),
    ),
    Indicator(
        code="volunteers_hours_served",
        name_zh="志愿服务时长",
        name_en="Hours served",
        unit_zh="小时",
        unit_en="hours",
        description=gettext_lazy("已确认的志愿服务时长（更正记录取代被更正的记录）。"),
        records=hours_records,
        count_fn=hours_served,
        breakdown=hours_breakdown,
        tags=("volunteers",),
    ),
    Indicator(
        code="volunteers_no_show_rate",
        name_zh="未到岗率",
        name_en="No-show rate",
        unit_zh="%",
        unit_en="%",
        description=gettext_lazy(
            "任务结束时占有名额但没有签到或确认出勤的认领，占这些认领的比例。"
        ),
        records=no_show_records,
        count_fn=no_show_rate,
        breakdown=no_show_breakdown,
        tags=("volunteers",),
    ),
    Indicator(
        code="volunteers_orders_open",
        name_zh="未完成居民服务需求",
        name_en="Service orders open",
        unit_zh="条",
        unit_en="orders",
        description=gettext_lazy("既未完成也未取消的居民服务订单数。"),
        records=orders_open,
        record_view="volunteers:order_detail",
        tags=("volunteers",),
    ),
    Indicator(
        code="volunteers_orders_done",
        name_zh="已完成居民服务需求",
        name_en="Service orders done",
        unit_zh="条",
        unit_en="orders",
        description=gettext_lazy("已完成的居民服务订单数。"),
        records=orders_done,
        record_view="volunteers:order_detail",
        tags=("volunteers",),
    ),
    Indicator(
        code="volunteers_rating_average",
        name_zh="服务评价平均分",
        name_en="Average rating",
        unit_zh="分（百分制）",
        unit_en="of 100",
        description=gettext_lazy("下单居民评价（1至5星）的平均值，折算为百分制。"),
        records=rated_orders,
        count_fn=rating_average,
        breakdown=ratings_by_star,
        record_view="volunteers:order_detail",
        tags=("volunteers",),
    ),
]
