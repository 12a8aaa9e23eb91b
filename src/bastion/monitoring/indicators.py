"""Indicators owned by monitoring. Each figure is defined once in selectors/monitor.py:
`records` is `monitor_records(key)` and the count is `monitor_counts()["totals"][key]`,
the same functions the monitoring view and the API read.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from bastion.core.indicators import Indicator, Scope
from bastion.monitoring.selectors.monitor import monitor_counts, monitor_records


def _records(key: str):
    def records(scope: Scope, as_of: dt.datetime) -> QuerySet:
        return monitor_records(user=scope.user, key=key, region_path=scope.region_path, now=as_of)

    records.__name__ = f"{key}_records"
    return records


def _count(key: str):
    def count(scope: Scope, as_of: dt.datetime) -> int:
        return _counts(scope, as_of)["totals"][key]

    return count


def _by_region(key: str):
    def by_region(scope: Scope, as_of: dt.datetime, regions: list) -> dict[str, int]:
        counts = _counts(scope, as_of, children=regions)
        return {region.path: values[key] for region, values in counts["children"]}

    return by_region


def _counts(scope: Scope, as_of: dt.datetime, children: list | None = None) -> dict:
    """monitor_counts once per scope, moment, regions and evaluation (Scope.memo, when
    given); with `children`, each child region's figures too, from the same query."""

    def compute() -> dict:
        return monitor_counts(
            user=scope.user, region_path=scope.region_path, now=as_of, children=children
        )

    if scope.memo is None:
        return compute()
    key = (
        "monitoring.monitor_counts",
        scope.region_path,
        as_of,
        tuple(r.path for r in children or ()),
    )
    if key not in scope.memo:
        scope.memo[key] = compute()
    return scope.memo[key]


def under_observation_by_category(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    """(policy category, its name, people under observation) for every policy."""
    counts = _counts(scope, as_of)
    return [(p.category, p.display_name, c["under"]) for p, c in counts["by_category"]]


_DEFS = [
    (
        "under",
        "monitoring_under_observation",
        "观察中人数",
        "People under observation",
        "人",
        "people",
        gettext_lazy("此刻正在居家观察的人数（按类别分列）。"),
    ),
    (
        "new",
        "monitoring_new_today",
        "今日新增观察",
        "New observations today",
        "人",
        "people",
        gettext_lazy("观察期第1天是今天的观察人数（按统计时刻的当地日期）。"),
    ),
    (
        "released",
        "monitoring_released_today",
        "今日解除观察",
        "Released today",
        "人",
        "people",
        gettext_lazy("今天解除观察的人数。"),
    ),
    (
        "due",
        "monitoring_followups_due",
        "今日待随访",
        "Follow-ups due today",
        "人",
        "people",
        gettext_lazy("今天的随访尚未完成、还没到截止时刻的人数。"),
    ),
    (
        "done",
        "monitoring_followups_done",
        "今日已随访",
        "Follow-ups done today",
        "人",
        "people",
        gettext_lazy("今天的随访已全部记录的人数。"),
    ),
    (
        "overdue",
        "monitoring_followups_overdue",
        "今日逾期未随访",
        "Follow-ups overdue today",
        "人",
        "people",
        gettext_lazy("过了截止时刻、今天的随访仍未完成的人数。"),
    ),
    (
        "abnormal",
        "monitoring_abnormal_today",
        "今日异常",
        "Abnormal today",
        "人",
        "people",
        gettext_lazy("今天记录了发热或症状、或仍有未处置预警的观察人数。"),
    ),
    (
        "fever_alerts",
        "monitoring_fever_alerts_open",
        "未处置发热预警",
        "Open fever alerts",
        "条",
        "alerts",
        gettext_lazy("尚未处置的发热预警条数。"),
    ),
    (
        "services",
        "monitoring_services_open",
        "未完成居家服务",
        "Open home-service requests",
        "条",
        "requests",
        gettext_lazy("尚未完成或取消的居家服务请求条数。"),
    ),
]

# Pages showing one record behind a figure (reports reverses them with public_id).
_RECORD_VIEWS = {"fever_alerts": "monitoring:alert_detail", "services": ""}

INDICATORS = [
    Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit_zh=unit_zh,
        unit_en=unit_en,
        description=description,
        records=_records(key),
        count_fn=_count(key),
        by_region=_by_region(key),
        breakdown=under_observation_by_category if key == "under" else None,
        record_view=_RECORD_VIEWS.get(key, "monitoring:timeline"),
        tags=("monitoring",),
    )
    for key, code, name_zh, name_en, unit_zh, unit_en, description in _DEFS
]
