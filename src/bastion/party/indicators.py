"""Indicators owned by the party app (see core/indicators.py, docs/decisions/0008).

Each figure is computed for the user's scope (party records by organization tree or
region tree, optionally narrowed to a region) as of a moment: records created later,
branches opened later, teams formed later are left out; branches closed and teams
disbanded by then are left out too. `records` is the list behind the figure.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_org_or_region
from bastion.core.indicators import Indicator, Scope
from bastion.party.models import (
    CommunityRegistration,
    Exemplar,
    ExemplarStatus,
    FeeEntry,
    FeeEntryKind,
    FeeGrant,
    LiaisonGroup,
    MemberStatus,
    Mobilization,
    MobilizationRecipient,
    Organization,
    PartyMember,
    RegistrationStatus,
    ResponsibilityZone,
    Sector,
    Team,
    TeamKind,
    Tier,
    VanguardPost,
)


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


# --- Organizations and members -------------------------------------------------------------


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


def _percent(part: int, whole: int) -> int:
    if not whole:
        return 0
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal("1"), ROUND_HALF_UP))


def registration_rate(scope: Scope, as_of: dt.datetime) -> int:
    employed = members(scope, as_of).filter(is_employed=True).order_by().count()
    return _percent(registered_members(scope, as_of).order_by().count(), employed)


# --- Teams, zones, posts, liaison groups ---------------------------------------------------


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


# --- Calls ---------------------------------------------------------------------------------


def calls(scope: Scope, as_of: dt.datetime) -> QuerySet[Mobilization]:
    """Calls sent by organizations in scope by `as_of`."""
    return _scoped(Mobilization, scope).filter(sent_at__lte=as_of)


def _call_recipients(scope: Scope, as_of: dt.datetime) -> QuerySet[MobilizationRecipient]:
    return _scoped(MobilizationRecipient, scope).filter(mobilization__sent_at__lte=as_of)


def answered_recipients(scope: Scope, as_of: dt.datetime) -> QuerySet[MobilizationRecipient]:
    """Recipients in scope that answered a call by `as_of`."""
    return (
        _call_recipients(scope, as_of)
        .filter(answered_at__lte=as_of)
        .select_related("organization", "member__person")
    )


def call_response_rate(scope: Scope, as_of: dt.datetime) -> int:
    row = (
        _call_recipients(scope, as_of)
        .order_by()
        .aggregate(total=Count("pk"), answered=Count("pk", filter=Q(answered_at__lte=as_of)))
    )
    return _percent(row["answered"], row["total"])


# --- Party fees ----------------------------------------------------------------------------


def fee_grants(scope: Scope, as_of: dt.datetime) -> QuerySet[FeeGrant]:
    return _scoped(FeeGrant, scope).filter(created_at__lte=as_of).select_related("organization")


def _fee_entries(scope: Scope, as_of: dt.datetime) -> QuerySet[FeeEntry]:
    return FeeEntry.objects.filter(
        grant__in=_scoped(FeeGrant, scope).values("pk"), recorded_at__lte=as_of
    )


def expenses(scope: Scope, as_of: dt.datetime) -> QuerySet[FeeEntry]:
    """Expense entries recorded by `as_of` that were not reversed by then."""
    reversed_ = FeeEntry.objects.filter(
        corrects=OuterRef("pk"), kind=FeeEntryKind.REVERSAL, recorded_at__lte=as_of
    )
    return (
        _fee_entries(scope, as_of)
        .filter(kind=FeeEntryKind.EXPENSE)
        .exclude(Exists(reversed_))
        .select_related("grant__organization")
    )


def _yuan(value) -> int:
    return int((value or Decimal("0")).quantize(Decimal("1"), ROUND_HALF_UP))


def _fee_sums(scope: Scope, as_of: dt.datetime) -> tuple[Decimal, Decimal]:
    row = _fee_entries(scope, as_of).aggregate(
        granted=Sum("amount", filter=Q(kind__in=[FeeEntryKind.GRANT, FeeEntryKind.ADJUSTMENT])),
        spent=Sum("amount", filter=Q(kind__in=[FeeEntryKind.EXPENSE, FeeEntryKind.REVERSAL])),
    )
    return row["granted"] or Decimal("0"), -(row["spent"] or Decimal("0"))


def fees_granted(scope: Scope, as_of: dt.datetime) -> int:
    return _yuan(_fee_sums(scope, as_of)[0])


def fees_spent(scope: Scope, as_of: dt.datetime) -> int:
    return _yuan(_fee_sums(scope, as_of)[1])


def fees_left(scope: Scope, as_of: dt.datetime) -> int:
    granted, spent = _fee_sums(scope, as_of)
    return _yuan(granted - spent)


def grants_with_balance(scope: Scope, as_of: dt.datetime) -> QuerySet[FeeGrant]:
    """Grants that still had money left at `as_of`."""
    left = Sum("entries__amount", filter=Q(entries__recorded_at__lte=as_of))
    return fee_grants(scope, as_of).annotate(left=left).filter(left__gt=0)


# --- Exemplars -----------------------------------------------------------------------------


def exemplars_published(scope: Scope, as_of: dt.datetime) -> QuerySet[Exemplar]:
    return (
        _scoped(Exemplar, scope)
        .filter(status=ExemplarStatus.APPROVED, published_at__lte=as_of)
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=as_of))
    )


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
    _indicator(
        "party_calls",
        "号召",
        "Mobilization calls",
        "次",
        "calls",
        gettext_lazy("范围内党组织发出的号召数。"),
        calls,
        record_view="party:call_detail",
    ),
    _indicator(
        "party_call_response_rate",
        "号召响应率",
        "Call response rate",
        "%",
        "%",
        gettext_lazy("截至统计时刻已响应的接收对象占全部接收对象的比例（明细为已响应者）。"),
        answered_recipients,
        count_fn=call_response_rate,
    ),
    _indicator(
        "party_fees_granted",
        "下拨党费",
        "Party fees granted",
        "元",
        "yuan",
        gettext_lazy("下拨给范围内党组织的党费（含调整），单位：元。"),
        fee_grants,
        count_fn=fees_granted,
        record_view="party:grant_detail",
    ),
    _indicator(
        "party_fees_spent",
        "党费已支出",
        "Party fees spent",
        "元",
        "yuan",
        gettext_lazy("在下拨党费中登记的支出（不含已冲销的），单位：元。"),
        expenses,
        count_fn=fees_spent,
    ),
    _indicator(
        "party_fees_left",
        "党费结余",
        "Party fees left",
        "元",
        "yuan",
        gettext_lazy("下拨减去支出的结余，单位：元（明细为尚有结余的下拨）。"),
        grants_with_balance,
        count_fn=fees_left,
        record_view="party:grant_detail",
    ),
    _indicator(
        "party_exemplars_published",
        "已发布先进典型",
        "Exemplars published",
        "个",
        "stories",
        gettext_lazy("统计时刻在公开专栏展示的已审核先进典型数。"),
        exemplars_published,
        record_view="party:exemplar_detail",
    ),
]
