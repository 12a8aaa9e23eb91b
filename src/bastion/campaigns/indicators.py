"""Indicators owned by the campaigns app (see core/indicators.py).

Household figures sum the campaigns in progress at the as-of moment (started by that
local day, not yet ended, not closed), each at the round in force then, through the
same `coverage.grid_counts` the campaign page uses. With one campaign running (the
usual case) they are households; with two overlapping ones a household counts once
per campaign. Venue, letter, check-in and publicity figures count records in scope
entered by the as-of moment.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bastion.access.scoping import scope_memo
from bastion.campaigns.models import (
    COVERED,
    Campaign,
    CheckIn,
    Commitment,
    DistributionAction,
    HouseholdVisit,
    Inspection,
    InspectionResult,
    MaterialDistribution,
    Outcome,
    PartnerCompany,
    Venue,
    VenueKind,
    VisitState,
)
from bastion.campaigns.selectors.campaigns import campaign_households, campaign_list, round_at
from bastion.campaigns.selectors.coverage import Counts, grid_counts, state_rows
from bastion.campaigns.selectors.venues import restrict_pathed
from bastion.core.indicators import Indicator, Scope
from bastion.geo.models import Household

# --- Households ------------------------------------------------------------------------


def running_campaigns(scope: Scope, as_of: dt.datetime) -> list[Campaign]:
    day = timezone.localdate(as_of)
    return list(
        campaign_list(user=scope.user)
        .filter(created_at__lte=as_of, starts_on__lte=day, ends_on__gte=day)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=as_of))
        .prefetch_related("areas__region")
        .order_by("id")
    )


def _totals(scope: Scope, as_of: dt.datetime) -> Counts:
    """The summed coverage, computed once per user object (request), region and moment:
    the reports page asks six indicators for it."""

    def compute() -> Counts:
        total = Counts()
        for campaign in running_campaigns(scope, as_of):
            for counts in grid_counts(
                user=scope.user, campaign=campaign, within=scope.region_path or "", as_of=as_of
            ).values():
                total.add(counts)
        return total

    key = f"campaigns.totals:{scope.region_path or ''}:{as_of.isoformat()}"
    return scope_memo(scope.user, key, compute)


def _coverage_by_region(scope: Scope, as_of: dt.datetime, regions: list) -> dict[str, int]:
    """The coverage rate of each region, from one `grid_counts` per running campaign."""
    totals = {region.path: Counts() for region in regions}
    lengths = sorted({len(path) for path in totals})
    for campaign in running_campaigns(scope, as_of):
        for path, counts in grid_counts(
            user=scope.user, campaign=campaign, within=scope.region_path or "", as_of=as_of
        ).items():
            for length in lengths:
                if path[:length] in totals:
                    totals[path[:length]].add(counts)
                    break
    return {path: int(total.rate or 0) for path, total in totals.items()}


def _figure(attr: str):
    def count(scope: Scope, as_of: dt.datetime) -> int:
        return int(getattr(_totals(scope, as_of), attr) or 0)

    count.__name__ = f"{attr}_count"
    return count


def _visits(outcomes):
    """The counted visits (one per household and campaign) whose outcome is in `outcomes`."""

    def records(scope: Scope, as_of: dt.datetime) -> QuerySet[HouseholdVisit]:
        q = Q(pk__in=[])
        for campaign in running_campaigns(scope, as_of):
            rows = state_rows(
                user=scope.user,
                campaign=campaign,
                within=scope.region_path or "",
                round_number=round_at(campaign, as_of),
                as_of=as_of,
            ).filter(outcome__in=list(outcomes))
            ids = rows.values("visit_id") if rows.model is VisitState else rows.values("pk")
            q |= Q(pk__in=ids)
        return (
            HouseholdVisit.objects.filter(q)
            .select_related("household__region")
            .order_by("path", "id")
        )

    return records


def households_in_scope(scope: Scope, as_of: dt.datetime) -> QuerySet[Household]:
    q = Q(pk__in=[])
    for campaign in running_campaigns(scope, as_of):
        q |= Q(
            pk__in=campaign_households(
                user=scope.user, campaign=campaign, within=scope.region_path, as_of=as_of
            ).values("pk")
        )
    return Household.objects.filter(q).select_related("region").order_by("path", "label")


def households_pending(scope: Scope, as_of: dt.datetime) -> QuerySet[Household]:
    """Households with no counted visit in the round of a running campaign."""
    q = Q(pk__in=[])
    for campaign in running_campaigns(scope, as_of):
        visited = state_rows(
            user=scope.user,
            campaign=campaign,
            within=scope.region_path or "",
            round_number=round_at(campaign, as_of),
            as_of=as_of,
        ).values("household_id")
        mine = campaign_households(
            user=scope.user, campaign=campaign, within=scope.region_path, as_of=as_of
        ).exclude(pk__in=visited)
        q |= Q(pk__in=mine.values("pk"))
    return Household.objects.filter(q).select_related("region").order_by("path", "label")


# --- Venues, letters, check-ins ----------------------------------------------------------


def _venues(scope: Scope, as_of: dt.datetime) -> QuerySet[Venue]:
    qs = restrict_pathed(Venue.objects.all(), scope.user).filter(created_at__lte=as_of)
    if scope.region_path:
        qs = qs.filter(path__startswith=scope.region_path)
    return qs


def _inspections(as_of: dt.datetime) -> QuerySet[Inspection]:
    return Inspection.objects.filter(inspected_at__lte=as_of, recorded_at__lte=as_of)


def venues_inspected(scope: Scope, as_of: dt.datetime) -> QuerySet[Venue]:
    return (
        _venues(scope, as_of)
        .filter(pk__in=_inspections(as_of).values("venue_id"))
        .select_related("region", "kind")
        .order_by("path", "name")
    )


def venues_inspected_by_kind(scope: Scope, as_of: dt.datetime) -> list[tuple[str, str, int]]:
    counts = dict(
        venues_inspected(scope, as_of).order_by().values_list("kind__code").annotate(n=Count("id"))
    )
    return [(k.code, k.name_zh, counts.get(k.code, 0)) for k in VenueKind.objects.order_by("order")]


def venues_compliant(scope: Scope, as_of: dt.datetime) -> QuerySet[Venue]:
    """Venues whose latest inspection by `as_of` found them compliant."""
    latest = _inspections(as_of).filter(venue_id=OuterRef("pk")).order_by("-inspected_at", "-id")
    return (
        _venues(scope, as_of)
        .annotate(result_then=Subquery(latest.values("result")[:1]))
        .filter(result_then=InspectionResult.COMPLIANT)
        .select_related("region", "kind")
        .order_by("path", "name")
    )


def commitments_signed(scope: Scope, as_of: dt.datetime) -> QuerySet[Commitment]:
    qs = restrict_pathed(Commitment.objects.all(), scope.user).filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=as_of),
        created_at__lte=as_of,
        signed_on__lte=timezone.localdate(as_of),
    )
    if scope.region_path:
        qs = qs.filter(path__startswith=scope.region_path)
    return qs.select_related("venue__region").order_by("path", "id")


def _checkins(scope: Scope, as_of: dt.datetime) -> QuerySet[CheckIn]:
    qs = restrict_pathed(CheckIn.objects.all(), scope.user).filter(at__lte=as_of)
    if scope.region_path:
        qs = qs.filter(path__startswith=scope.region_path)
    return qs


def checkin_count(scope: Scope, as_of: dt.datetime) -> int:
    return _checkins(scope, as_of).count()


def venues_with_checkins(scope: Scope, as_of: dt.datetime) -> QuerySet[Venue]:
    """The records behind the check-in figure are the venues, never the visitors: who
    checked in is read only through a contact-tracing request."""
    return (
        _venues(scope, as_of)
        .filter(pk__in=_checkins(scope, as_of).values("venue_id"))
        .select_related("region", "kind")
        .order_by("path", "name")
    )


# --- Publicity -----------------------------------------------------------------------------


def _distributions(action: str):
    def records(scope: Scope, as_of: dt.datetime) -> QuerySet[MaterialDistribution]:
        qs = restrict_pathed(MaterialDistribution.objects.all(), scope.user).filter(
            action=action, recorded_at__lte=as_of, distributed_on__lte=timezone.localdate(as_of)
        )
        if scope.region_path:
            qs = qs.filter(path__startswith=scope.region_path)
        return qs.select_related("material", "region").order_by("-distributed_on", "-id")

    return records


def _copies(action: str):
    records = _distributions(action)

    def count(scope: Scope, as_of: dt.datetime) -> int:
        return records(scope, as_of).order_by().aggregate(n=Sum("quantity"))["n"] or 0

    return count


def partner_companies(scope: Scope, as_of: dt.datetime) -> QuerySet[PartnerCompany]:
    qs = restrict_pathed(PartnerCompany.objects.all(), scope.user).filter(created_at__lte=as_of)
    if scope.region_path:
        qs = qs.filter(path__startswith=scope.region_path)
    return qs.select_related("region").order_by("path", "name")


def _indicator(code, zh, en, unit_zh, unit_en, description, records, **kwargs) -> Indicator:
    return Indicator(
        code=code,
        name_zh=zh,
        name_en=en,
        unit_zh=unit_zh,
        unit_en=unit_en,
        description=description,
        records=records,
        tags=("campaigns",),
        **kwargs,
    )


INDICATORS = [
    _indicator(
        "campaigns_households",
        "应排查户数",
        "Households to screen",
        "户",
        "households",
        gettext_lazy("范围内进行中排查行动应排查的户数（按行动区域和户标签）。"),
        households_in_scope,
        count_fn=_figure("households"),
    ),
    _indicator(
        "campaigns_households_visited",
        "已走访户数",
        "Households visited",
        "户",
        "households",
        gettext_lazy("本轮计入统计的走访中有人在家（已走访）的户数。"),
        _visits({Outcome.VISITED}),
        count_fn=_figure("visited"),
        record_view="campaigns:visit",
    ),
    _indicator(
        "campaigns_households_pending",
        "待走访户数",
        "Households pending",
        "户",
        "households",
        gettext_lazy("进行中排查行动本轮尚未走访的户数。"),
        households_pending,
        count_fn=_figure("pending"),
    ),
    _indicator(
        "campaigns_households_revisit",
        "待回访户数",
        "Households to revisit",
        "户",
        "households",
        gettext_lazy("本轮最近一次敲门无人在家的户数。"),
        _visits({Outcome.NOBODY_HOME}),
        count_fn=_figure("nobody_home"),
        record_view="campaigns:visit",
    ),
    _indicator(
        "campaigns_households_refused",
        "拒绝配合户数",
        "Households refusing",
        "户",
        "households",
        gettext_lazy("本轮计入统计的走访被拒绝的户数。"),
        _visits({Outcome.REFUSED}),
        count_fn=_figure("refused"),
        record_view="campaigns:visit",
    ),
    _indicator(
        "campaigns_coverage_rate",
        "入户排查覆盖率",
        "Screening coverage",
        "%",
        "%",
        gettext_lazy(
            "已覆盖户（已走访、空置、已搬离）占应排查户的百分比，向下取整；明细为已覆盖户的走访记录。"
        ),
        _visits(COVERED),
        count_fn=lambda scope, as_of: int(_totals(scope, as_of).rate or 0),
        by_region=_coverage_by_region,
        record_view="campaigns:visit",
    ),
    _indicator(
        "campaigns_venues_inspected",
        "已检查场所",
        "Venues inspected",
        "家",
        "venues",
        gettext_lazy("范围内至少检查过一次的场所数（按类型）。"),
        venues_inspected,
        breakdown=venues_inspected_by_kind,
        record_view="campaigns:venue",
    ),
    _indicator(
        "campaigns_venues_compliant",
        "检查合格场所",
        "Venues compliant",
        "家",
        "venues",
        gettext_lazy("最近一次检查结果为合格的场所数。"),
        venues_compliant,
        record_view="campaigns:venue",
    ),
    _indicator(
        "campaigns_commitments_signed",
        "签订承诺书",
        "Commitment letters signed",
        "份",
        "letters",
        gettext_lazy("范围内场所已签署且未撤回的承诺书数。"),
        commitments_signed,
    ),
    _indicator(
        "campaigns_checkins",
        "场所码登记",
        "Venue check-ins",
        "人次",
        "check-ins",
        gettext_lazy("场所码登记人次（仅在保存期内保留）；明细为场所，绝不列出来访者。"),
        venues_with_checkins,
        count_fn=checkin_count,
        record_view="campaigns:venue",
    ),
    _indicator(
        "campaigns_leaflets_handed_out",
        "发放宣传资料",
        "Leaflets handed out",
        "份",
        "copies",
        gettext_lazy("发放的倡议书、告知书等宣传材料份数（作废记录相抵）。"),
        _distributions(DistributionAction.HANDED_OUT),
        count_fn=_copies(DistributionAction.HANDED_OUT),
    ),
    _indicator(
        "campaigns_posters_put_up",
        "张贴宣传海报",
        "Posters put up",
        "张",
        "posters",
        gettext_lazy("张贴的海报和告示份数（作废记录相抵）。"),
        _distributions(DistributionAction.POSTED),
        count_fn=_copies(DistributionAction.POSTED),
    ),
    _indicator(
        "campaigns_partner_companies",
        "合作物业公司",
        "Partner property companies",
        "家",
        "companies",
        gettext_lazy("范围内登记为合作单位的物业公司数。"),
        partner_companies,
        record_view="campaigns:company",
    ),
]
