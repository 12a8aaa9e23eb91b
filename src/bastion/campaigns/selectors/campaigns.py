"""Scoped reads of campaigns, their households and their visits.

A campaign is visible to a user whose CAMPAIGN_VIEW subtree overlaps one of its areas
(a county-wide campaign is visible to a grid worker of any grid; a community's campaign
to the town above it). A household is in a campaign when it lies under one of its
areas (and a member carries the campaign's tag, if it has one); the user sees the
campaign's households that `restrict_households` lets her see.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bastion.access.roles import Perm
from bastion.access.scoping import (
    can_on_path,
    region_paths,
    restrict_by_path,
    restrict_households,
    scope_of,
)
from bastion.campaigns.models import (
    Campaign,
    CampaignArea,
    CampaignRound,
    HouseholdVisit,
    Outcome,
    VisitState,
)
from bastion.geo.models import Household, Region
from bastion.people.models import Person


def ancestor_paths(path: str) -> list[str]:
    """Every prefix of a region path that is itself a region path, `path` included."""
    return [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]


def prefix_q(field: str, prefixes: list[str]) -> Q:
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    return q


def user_prefixes(user, perm: str) -> list[str] | None:
    """Region prefixes where the user holds `perm`, with her 包片 grids; None: all."""
    paths = region_paths(user, perm)
    if paths is None:
        return None
    scope = scope_of(user)
    return list(paths) + (list(scope.assigned_grid_paths) if perm in scope.perms else [])


# --- Campaigns -------------------------------------------------------------------------


def campaign_list(*, user, perm: str = Perm.CAMPAIGN_VIEW) -> QuerySet[Campaign]:
    """Campaigns whose areas overlap the user's subtrees for `perm`."""
    qs = Campaign.objects.all()
    prefixes = user_prefixes(user, perm)
    if prefixes is None:
        return qs
    if not prefixes:
        return qs.none()
    overlap = prefix_q("path", prefixes) | Q(
        path__in={a for p in prefixes for a in ancestor_paths(p)}
    )
    return qs.filter(pk__in=CampaignArea.objects.filter(overlap).values("campaign_id"))


def campaign_get(*, user, public_id) -> Campaign:
    try:
        return (
            campaign_list(user=user)
            .select_related("household_tag", "created_by")
            .get(public_id=public_id)
        )
    except (Campaign.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def campaign_areas(campaign: Campaign) -> list[CampaignArea]:
    """The campaign's areas (with their regions), read once per campaign object."""
    cached = getattr(campaign, "_areas_cache", None)
    if cached is None:
        if "areas" in getattr(campaign, "_prefetched_objects_cache", {}):
            cached = sorted(campaign.areas.all(), key=lambda a: a.path)
        else:
            cached = list(campaign.areas.select_related("region").order_by("path"))
        campaign._areas_cache = cached
    return cached


def area_paths(campaign: Campaign) -> list[str]:
    return [a.path for a in campaign_areas(campaign)]


def campaign_can_manage(user, campaign: Campaign) -> bool:
    """CAMPAIGN_MANAGE over every area of the campaign."""
    return all(can_on_path(user, Perm.CAMPAIGN_MANAGE, p) for p in area_paths(campaign))


def campaign_status(campaign: Campaign, *, today: dt.date | None = None) -> str:
    """planned / running / ended / closed, derived from the period and the close date."""
    today = today or timezone.localdate()
    if campaign.closed_at is not None:
        return "closed"
    if today < campaign.starts_on:
        return "planned"
    if today > campaign.ends_on:
        return "ended"
    return "running"


def round_at(campaign: Campaign, moment: dt.datetime | None) -> int:
    """The round in force at `moment` (the campaign's current round when None); 0 when
    the campaign had no round yet (created after `moment`)."""
    if moment is None:
        return campaign.current_round
    last = (
        CampaignRound.objects.filter(campaign=campaign, opened_at__lte=moment)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return last or 0


def focus_path(*, user, campaign: Campaign) -> str:
    """The deepest region path holding everything of the campaign the user sees: the
    campaign's own path for its managers, the grid for a grid worker of one grid."""
    prefixes = user_prefixes(user, Perm.CAMPAIGN_VIEW)
    areas = area_paths(campaign)
    if prefixes is None:
        return campaign.path
    inside = [p for p in prefixes for a in areas if p.startswith(a)]
    inside += [a for a in areas for p in prefixes if a.startswith(p)]
    if not inside:
        return campaign.path
    common = inside[0]
    for path in inside[1:]:
        while not path.startswith(common):
            common = common[: common.rstrip("/").rfind("/") + 1]
    return common if len(common) >= len(campaign.path) else campaign.path


def campaign_region(*, user, campaign: Campaign, code: str | None) -> Region:
    """The region a campaign's figures are narrowed to: `code` (which must overlap the
    campaign and be visible to the user), else the user's focus. Http404 otherwise."""
    from bastion.geo.selectors import region_get

    if not code:
        return Region.objects.get(path=focus_path(user=user, campaign=campaign))
    region = region_get(user=user, code=code)
    areas = area_paths(campaign)
    if not any(region.path.startswith(a) or a.startswith(region.path) for a in areas):
        raise Http404
    return region


# --- Households of a campaign -------------------------------------------------------------


def tag_q(campaign: Campaign, field: str = "pk") -> Q:
    """Households with a member carrying the campaign's tag (no condition without a tag)."""
    if campaign.household_tag_id is None:
        return Q()
    tagged = Person.tags.through.objects.filter(
        person__household_id=OuterRef(field), tag_id=campaign.household_tag_id
    )
    return Q(Exists(tagged))


def campaign_households(
    *,
    user,
    campaign: Campaign,
    within: str | None = None,
    perm: str = Perm.CAMPAIGN_VIEW,
    as_of: dt.datetime | None = None,
) -> QuerySet[Household]:
    """The campaign's households the user may see for `perm`, under `within`."""
    qs = restrict_households(Household.objects.all(), user, perm).filter(
        prefix_q("path", area_paths(campaign))
    )
    if within:
        qs = qs.filter(path__startswith=within)
    if campaign.household_tag_id is not None:
        qs = qs.filter(tag_q(campaign))
    if as_of is not None:
        qs = qs.filter(created_at__lte=as_of)
    return qs


def household_for_visit(*, user, campaign: Campaign, public_id) -> Household:
    """A household of the campaign the user may record a visit for; Http404 otherwise."""
    try:
        return (
            campaign_households(user=user, campaign=campaign, perm=Perm.VISIT_RECORD)
            .select_related("region")
            .get(public_id=public_id)
        )
    except (Household.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def household_in_campaign(*, user, campaign: Campaign, public_id) -> Household:
    try:
        return (
            campaign_households(user=user, campaign=campaign)
            .select_related("region")
            .get(public_id=public_id)
        )
    except (Household.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def scope_states(qs: QuerySet, user, perm: str = Perm.CAMPAIGN_VIEW) -> QuerySet:
    """Visit states / visits (records with `path` and `household_id`) of households the
    user may see: by path prefix, or through her households when she has 包户/包片."""
    scope = scope_of(user)
    if scope.superuser:
        return qs
    if perm in scope.perms and (scope.assigned_grid_paths or scope.assigned_household_ids):
        visible = restrict_households(Household.objects.all(), user, perm).values("pk")
        return qs.filter(household_id__in=visible)
    return restrict_by_path(qs, user, perm)


STATUS_PENDING = "pending"
STATUS_FILTERS = (STATUS_PENDING, *Outcome.values)


def household_rows(
    *,
    user,
    campaign: Campaign,
    within: str,
    status: str = "",
    perm: str = Perm.CAMPAIGN_VIEW,
) -> QuerySet[Household]:
    """The campaign's households under `within` with their state in the current round
    (`state_outcome`, `state_attempts`, `state_visit_id`: None when pending), ordered
    pending first, then those to revisit, then by place; `status` narrows to one state."""
    from django.db.models import Case, IntegerField, Subquery, Value, When

    states = VisitState.objects.filter(
        campaign=campaign, round=campaign.current_round, household_id=OuterRef("pk")
    )
    qs = (
        campaign_households(user=user, campaign=campaign, within=within, perm=perm)
        .select_related("region")
        .annotate(
            state_outcome=Subquery(states.values("outcome")[:1]),
            state_attempts=Subquery(states.values("attempts")[:1]),
            state_visit_id=Subquery(states.values("visit__public_id")[:1]),
        )
        .annotate(
            rank=Case(
                When(state_outcome__isnull=True, then=Value(0)),
                When(state_outcome=Outcome.NOBODY_HOME, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
    )
    if status == STATUS_PENDING:
        qs = qs.filter(state_outcome__isnull=True)
    elif status in Outcome.values:
        qs = qs.filter(state_outcome=status)
    return qs.order_by("rank", "path", "label", "id")


def next_household(
    *, user, campaign: Campaign, within: str, after: Household | None = None
) -> Household | None:
    """The next household to knock at: pending ones first, then those to revisit, in
    place order; `after` skips to the ones following it."""
    rows = household_rows(
        user=user, campaign=campaign, within=within, perm=Perm.VISIT_RECORD
    ).filter(rank__lt=2)
    if after is not None:
        rank_after = rows.filter(pk=after.pk).values_list("rank", flat=True).first()
        if rank_after is not None:
            rows = rows.filter(
                Q(rank__gt=rank_after)
                | Q(rank=rank_after, path__gt=after.path)
                | Q(rank=rank_after, path=after.path, label__gt=after.label)
                | Q(rank=rank_after, path=after.path, label=after.label, pk__gt=after.pk)
            )
    return rows.first()


def visit_state(*, campaign: Campaign, household: Household) -> VisitState | None:
    return (
        VisitState.objects.filter(
            campaign=campaign, round=campaign.current_round, household=household
        )
        .select_related("visit")
        .first()
    )


# --- Visits -------------------------------------------------------------------------------


def visit_list(
    *,
    user,
    campaign: Campaign | None = None,
    within: str | None = None,
    round_number: int | None = None,
    outcome: str = "",
) -> QuerySet[HouseholdVisit]:
    """Visits of the campaigns the user sees, of households she sees."""
    qs = HouseholdVisit.objects.filter(campaign__in=campaign_list(user=user).values("pk"))
    qs = scope_states(qs, user)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if within:
        qs = qs.filter(path__startswith=within)
    if round_number:
        qs = qs.filter(round=round_number)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs.select_related("household", "household__region", "recorded_by", "campaign")


def visit_get(*, user, public_id) -> HouseholdVisit:
    try:
        return visit_list(user=user).select_related("corrects", "photo").get(public_id=public_id)
    except (HouseholdVisit.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def household_visits(*, campaign: Campaign, household: Household) -> QuerySet[HouseholdVisit]:
    """Every visit of one household in one campaign, newest first (for its page)."""
    return (
        HouseholdVisit.objects.filter(campaign=campaign, household=household)
        .select_related("recorded_by", "corrects")
        .prefetch_related("findings")
        .order_by("-round", "-id")
    )


def revisit_rows(*, user, campaign: Campaign, within: str) -> QuerySet[VisitState]:
    """Households whose latest visit this round found nobody home (the revisit list)."""
    qs = VisitState.objects.filter(
        campaign=campaign,
        round=campaign.current_round,
        outcome=Outcome.NOBODY_HOME,
        path__startswith=within,
    ).filter(prefix_q("path", area_paths(campaign)))
    qs = scope_states(qs, user)
    if campaign.household_tag_id is not None:
        qs = qs.filter(tag_q(campaign, "household_id"))
    return qs.select_related("household", "household__region", "visit").order_by(
        "path", "household__label", "id"
    )


def area_choices(*, user, limit: int = 500) -> list[Region]:
    """Regions the user may start a campaign over (CAMPAIGN_MANAGE), in tree order."""
    qs = restrict_by_path(Region.objects.all(), user, Perm.CAMPAIGN_MANAGE)
    return list(qs.order_by("path")[:limit])
