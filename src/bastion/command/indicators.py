"""Indicators owned by the command app (see core/indicators.py): directives issued, their
completion rate and overdue targets; notices unread; incidents open (by grade), overdue and
closed within the deadline; daily forms missing. Each takes an as-of moment and leaves out
later records; states are reconstructed from the stored times."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_path
from bastion.command.models import (
    Directive,
    DirectiveTarget,
    Incident,
    IncidentGrade,
    IncidentStatus,
    NoticeReceipt,
    NoticeTarget,
    NoticeVersion,
)
from bastion.command.selectors.dailyforms import missing_units_q
from bastion.command.selectors.directives import directive_list, target_list
from bastion.command.selectors.incidents import incident_list
from bastion.command.selectors.notices import notice_list, notice_target_list
from bastion.core.indicators import Indicator, Scope
from bastion.geo.models import Region


def _narrow(qs: QuerySet, scope: Scope, field: str = "region_path") -> QuerySet:
    if scope.region_path:
        return qs.filter(**{f"{field}__startswith": scope.region_path})
    return qs


def _live_at(as_of: dt.datetime, prefix: str = "") -> Q:
    """A directive issued by `as_of` and not cancelled by then."""
    return Q(**{f"{prefix}issued_at__lte": as_of}) & (
        Q(**{f"{prefix}cancelled_at__isnull": True}) | Q(**{f"{prefix}cancelled_at__gt": as_of})
    )


def directives_issued(scope: Scope, as_of: dt.datetime) -> QuerySet[Directive]:
    qs = directive_list(user=scope.user).filter(issued_at__lte=as_of)
    if scope.region_path:
        below = DirectiveTarget.objects.filter(region_path__startswith=scope.region_path)
        qs = qs.filter(
            Q(region_path__startswith=scope.region_path) | Q(pk__in=below.values("directive_id"))
        )
    return qs


def _targets(scope: Scope, as_of: dt.datetime) -> QuerySet[DirectiveTarget]:
    return _narrow(target_list(user=scope.user), scope).filter(_live_at(as_of, "directive__"))


def _done_at(as_of: dt.datetime) -> Q:
    return Q(done_at__isnull=False, done_at__lte=as_of)


def targets_done(scope: Scope, as_of: dt.datetime) -> QuerySet[DirectiveTarget]:
    return _targets(scope, as_of).filter(_done_at(as_of))


def completion_rate(scope: Scope, as_of: dt.datetime) -> int:
    """Per cent (rounded down) of targets of live directives done by `as_of`."""
    targets = _targets(scope, as_of)
    total = targets.count()
    return 100 * targets.filter(_done_at(as_of)).count() // total if total else 0


def targets_overdue(scope: Scope, as_of: dt.datetime) -> QuerySet[DirectiveTarget]:
    return _targets(scope, as_of).filter(directive__deadline__lt=as_of).exclude(_done_at(as_of))


def notices_unread(scope: Scope, as_of: dt.datetime) -> QuerySet[NoticeTarget]:
    """Notice targets that had not read the version in force at `as_of`."""
    notices = notice_list(user=scope.user, include_withdrawn=True).filter(
        Q(published_at__lte=as_of) & (Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=as_of))
    )
    latest = (
        NoticeVersion.objects.filter(notice=OuterRef("notice_id"), published_at__lte=as_of)
        .order_by("-number")
        .values("number")[:1]
    )
    read = NoticeReceipt.objects.filter(
        target=OuterRef("pk"), version__gte=OuterRef("in_force"), read_at__lte=as_of
    )
    qs = notice_target_list(user=scope.user).filter(
        notice__in=notices.values("pk"), added_at__lte=as_of
    )
    return _narrow(qs, scope).annotate(in_force=Subquery(latest)).filter(~Exists(read))


def _open_at(as_of: dt.datetime) -> Q:
    return Q(reported_at__lte=as_of) & (Q(closed_at__isnull=True) | Q(closed_at__gt=as_of))


def _incidents(scope: Scope, as_of: dt.datetime) -> QuerySet[Incident]:
    return _narrow(incident_list(user=scope.user, show="all", now=as_of), scope, "path")


def incidents_open(scope: Scope, as_of: dt.datetime) -> QuerySet[Incident]:
    return _incidents(scope, as_of).filter(_open_at(as_of))


def incidents_open_by_grade(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    counts = {
        row["grade"]: row["n"]
        for row in incidents_open(scope, as_of).order_by().values("grade").annotate(n=Count("pk"))
    }
    return [(g.value, str(g.label), counts.get(g.value, 0)) for g in IncidentGrade]


def incidents_overdue(scope: Scope, as_of: dt.datetime) -> QuerySet[Incident]:
    """Dispatched by `as_of`, past the deadline then, not closed and not awaiting verification."""
    handled_then = Q(handled_at__lte=as_of) & ~Q(status=IncidentStatus.DISPATCHED)
    return (
        _incidents(scope, as_of)
        .filter(_open_at(as_of), dispatched_at__lte=as_of, deadline__lt=as_of)
        .exclude(handled_then)
    )


def incidents_closed_in_time(scope: Scope, as_of: dt.datetime) -> QuerySet[Incident]:
    return _incidents(scope, as_of).filter(
        Q(closed_at__lte=F("deadline")),
        status__in=[IncidentStatus.CLOSED, IncidentStatus.ARCHIVED],
        closed_at__lte=as_of,
        deadline__isnull=False,
    )


def daily_forms_missing(scope: Scope, as_of: dt.datetime) -> QuerySet[Region]:
    regions = restrict_by_path(Region.objects.all(), scope.user, Perm.COMMAND_VIEW)
    return _narrow(regions, scope, "path").filter(missing_units_q(as_of=as_of))


def _indicator(code, name_zh, name_en, unit_zh, unit_en, description, records, **extra):
    return Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit_zh=unit_zh,
        unit_en=unit_en,
        description=description,
        records=records,
        tags=("command",),
        **extra,
    )


INDICATORS = [
    _indicator(
        "command_directives_issued",
        "下发指令数",
        "Directives issued",
        "条",
        "directives",
        gettext_lazy("截至统计时刻范围内单位发出或收到的指令数（含已撤销的）。"),
        directives_issued,
        record_view="command:directive_detail",
    ),
    _indicator(
        "command_directive_completion_rate",
        "指令完成率",
        "Directive completion rate",
        "%",
        "%",
        gettext_lazy("截至统计时刻有效指令的接收单位中已完成的百分比；明细为已完成的接收单位。"),
        targets_done,
        count_fn=completion_rate,
        record_view="command:target_detail",
    ),
    _indicator(
        "command_directive_targets_overdue",
        "逾期未完成指令",
        "Overdue directive targets",
        "个单位",
        "units",
        gettext_lazy("统计时刻已过期限但尚未完成的有效指令接收单位数。"),
        targets_overdue,
        record_view="command:target_detail",
    ),
    _indicator(
        "command_notices_unread",
        "通知未阅单位",
        "Notices unread",
        "个",
        "receipts",
        gettext_lazy("统计时刻尚未阅读通知现行版本的单位数。"),
        notices_unread,
    ),
    _indicator(
        "command_incidents_open",
        "未办结事件",
        "Open incidents",
        "件",
        "incidents",
        gettext_lazy("统计时刻已上报且未办结的事件数（按等级）。"),
        incidents_open,
        breakdown=incidents_open_by_grade,
        record_view="command:incident_detail",
    ),
    _indicator(
        "command_incidents_overdue",
        "逾期未处置事件",
        "Overdue incidents",
        "件",
        "incidents",
        gettext_lazy("统计时刻已分拨、超过处置期限且尚未处置的事件数。"),
        incidents_overdue,
        record_view="command:incident_detail",
    ),
    _indicator(
        "command_incidents_closed_in_time",
        "按期办结事件",
        "Incidents closed within the deadline",
        "件",
        "incidents",
        gettext_lazy("截至统计时刻在处置期限内办结（已核查）的事件数。"),
        incidents_closed_in_time,
        record_view="command:incident_detail",
    ),
    _indicator(
        "command_daily_forms_missing",
        "日报逾期未报单位",
        "Units missing a daily form",
        "个",
        "units",
        gettext_lazy("当天应填报日报表、过了截止时间仍未填报的单位数。"),
        daily_forms_missing,
        record_view="command:figures_region",
    ),
]
