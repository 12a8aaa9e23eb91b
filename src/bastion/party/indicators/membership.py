"""Organizations and members: organizations by sector, temporary branches, members,
medical workers, and employed members registered at communities."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy

from bastion.core.indicators import Scope
from bastion.party.indicators.common import _day, _indicator, _percent, _scoped
from bastion.party.models import (
    CommunityRegistration,
    MemberStatus,
    Organization,
    PartyMember,
    RegistrationStatus,
    Sector,
    Tier,
)


def organizations(scope: Scope, as_of: dt.datetime) -> QuerySet[Organization]:
    """Organizations that existed at `as_of` and were not closed by then."""
    day = _day(as_of)
    return (
        _scoped(Organization, scope, org_field="path")
        .filter(created_at__lte=as_of)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .select_related("region")
    )


def organizations_by_sector(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    counts = dict(
        organizations(scope, as_of).order_by().values_list("sector").annotate(n=Count("id"))
    )
    return [(s.value, str(s.label), counts.get(s.value, 0)) for s in Sector]


def temporary_branches_open(scope: Scope, as_of: dt.datetime) -> QuerySet[Organization]:
    day = _day(as_of)
    return organizations(scope, as_of).filter(tier=Tier.TEMPORARY_BRANCH, opened_on__lte=day)


def members(scope: Scope, as_of: dt.datetime) -> QuerySet[PartyMember]:
    """Members on the roll at `as_of` (those who left are not counted)."""
    return (
        _scoped(PartyMember, scope)
        .filter(created_at__lte=as_of)
        .exclude(status=MemberStatus.LEFT)
        .select_related("person")
    )


def medical_members(scope: Scope, as_of: dt.datetime) -> QuerySet[PartyMember]:
    return members(scope, as_of).filter(is_medical_worker=True)


def _in_force_at(as_of: dt.datetime) -> Q:
    day = _day(as_of)
    return Q(
        status=RegistrationStatus.CONFIRMED,
        decided_at__lte=as_of,
    ) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def registered_members(scope: Scope, as_of: dt.datetime) -> QuerySet[PartyMember]:
    """Employed members with a registration at a community in force at `as_of`."""
    live = CommunityRegistration.objects.filter(member=OuterRef("pk")).filter(_in_force_at(as_of))
    return members(scope, as_of).filter(is_employed=True).filter(Exists(live))


def registered_by_sector(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    """Registered employed members by the sector of their organization (organs first)."""
    counts = dict(
        registered_members(scope, as_of)
        .order_by()
        .values_list("organization__sector")
        .annotate(n=Count("id"))
    )
    return [(s.value, str(s.label), counts.get(s.value, 0)) for s in Sector if counts.get(s.value)]


def registration_rate(scope: Scope, as_of: dt.datetime) -> int:
    employed = members(scope, as_of).filter(is_employed=True).order_by().count()
    return _percent(registered_members(scope, as_of).order_by().count(), employed)


INDICATORS = [
    _indicator(
        "party_organizations",
        "基层党组织",
        "Party organizations",
        "个",
        "organizations",
        gettext_lazy("统计时刻范围内的基层党组织数（按单位类别分列）。"),
        organizations,
        breakdown=organizations_by_sector,
        record_view="party:organization_detail",
    ),
    _indicator(
        "party_members",
        "党员",
        "Party members",
        "人",
        "members",
        gettext_lazy("范围内在册党员数（不含已转出）。"),
        members,
        record_view="party:member_detail",
    ),
    _indicator(
        "party_medical_members",
        "医务人员党员",
        "Members who are medical workers",
        "人",
        "members",
        gettext_lazy("标记为医务人员的党员数。"),
        medical_members,
        record_view="party:member_detail",
    ),
    _indicator(
        "party_employed_registered",
        "在职党员进社区报到",
        "Employed members registered at communities",
        "人",
        "members",
        gettext_lazy(
            "统计时刻持有效社区报到记录的在职党员数（按所在党组织类别分列，县直机关在前）。"
        ),
        registered_members,
        breakdown=registered_by_sector,
        record_view="party:member_detail",
    ),
    _indicator(
        "party_registration_rate",
        "在职党员报到率",
        "Registration rate of employed members",
        "%",
        "%",
        gettext_lazy("已报到在职党员占在职党员的比例（明细为已报到者）。"),
        registered_members,
        count_fn=registration_rate,
        record_view="party:member_detail",
    ),
    _indicator(
        "party_temporary_branches_open",
        "临时党支部（运行中）",
        "Temporary branches open",
        "个",
        "branches",
        gettext_lazy("截至统计日已成立且尚未撤销的临时党支部数。"),
        temporary_branches_open,
        record_view="party:organization_detail",
    ),
]
