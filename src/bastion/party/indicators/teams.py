"""Teams, responsibility zones, vanguard posts and liaison groups in force at a moment."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from bastion.core.indicators import Scope
from bastion.party.indicators.common import _day, _indicator, _scoped
from bastion.party.models import LiaisonGroup, ResponsibilityZone, Team, TeamKind, VanguardPost


def _teams(kind: str):
    def records(scope: Scope, as_of: dt.datetime) -> QuerySet[Team]:
        day = _day(as_of)
        return (
            _scoped(Team, scope)
            .filter(kind=kind, created_at__lte=as_of)
            .filter(Q(formed_on__isnull=True) | Q(formed_on__lte=day))
            .filter(Q(disbanded_on__isnull=True) | Q(disbanded_on__gt=day))
            .select_related("region")
        )

    records.__name__ = f"{kind}_teams"
    return records


def _answered(model):
    def records(scope: Scope, as_of: dt.datetime) -> QuerySet:
        day = _day(as_of)
        return (
            _scoped(model, scope)
            .filter(created_at__lte=as_of, started_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
            .select_related("region")
        )

    records.__name__ = f"{model._meta.model_name}_records"
    return records


def liaison_groups(scope: Scope, as_of: dt.datetime) -> QuerySet[LiaisonGroup]:
    day = _day(as_of)
    return (
        _scoped(LiaisonGroup, scope)
        .filter(created_at__lte=as_of, formed_on__lte=day)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day))
    )


INDICATORS = [
    _indicator(
        "party_vanguard_teams",
        "抗疫先锋队",
        "Vanguard teams",
        "支",
        "teams",
        gettext_lazy("截至统计日已组建且未解散的抗疫先锋队数。"),
        _teams(TeamKind.VANGUARD),
        record_view="party:team_detail",
    ),
    _indicator(
        "party_volunteer_teams",
        "党员志愿服务队",
        "Volunteer service teams",
        "支",
        "teams",
        gettext_lazy("截至统计日已组建且未解散的党员志愿服务队数。"),
        _teams(TeamKind.VOLUNTEER_SERVICE),
        record_view="party:team_detail",
    ),
    _indicator(
        "party_medical_teams",
        "党员医疗队",
        "Medical teams",
        "支",
        "teams",
        gettext_lazy("截至统计日已组建且未解散的党员医疗队数。"),
        _teams(TeamKind.MEDICAL),
        record_view="party:team_detail",
    ),
    _indicator(
        "party_liaison_groups",
        "联点小组",
        "Liaison groups",
        "个",
        "groups",
        gettext_lazy("组织部在运行的联点小组数。"),
        liaison_groups,
        record_view="party:liaison_detail",
    ),
    _indicator(
        "party_responsibility_zones",
        "党员责任区",
        "Responsibility zones",
        "个",
        "zones",
        gettext_lazy("截至统计日由党员负责的党员责任区数。"),
        _answered(ResponsibilityZone),
        record_view="party:zone_detail",
    ),
    _indicator(
        "party_vanguard_posts",
        "党员先锋岗",
        "Vanguard posts",
        "个",
        "posts",
        gettext_lazy("截至统计日由党员负责的党员先锋岗数。"),
        _answered(VanguardPost),
        record_view="party:post_detail",
    ),
]
