"""Coverage of a campaign: households in scope, visited, pending, to revisit, refused.

ONE definition, used by the campaign page, the map, the API, the Excel export and the
indicators. Two queries whatever the size, both grouped by grid path and rolled up in
Python (totals, children of the region, grids of the map):

- households: the campaign's households the user sees under the region, `GROUP BY
  path` (a household's path is its grid's);
- outcomes: the latest counted visit of each visited household in the round, by grid
  and outcome. Now (no `as_of`, or an `as_of` after the campaign's last entry) from the
  exact per-grid `CoverageCount` counters when the question is grid-aligned (no household
  tag, no 包户 scope), else from the `VisitState` projection; for an earlier moment from
  the visit ledger itself: per household the newest visit recorded by then that no
  correction recorded by then replaced. docs/decisions/0030.

Figures: visited / nobody home (= to revisit) / refused / vacant / moved out by the
state's outcome; covered = visited + vacant + moved out (the household's situation is
known); pending = households - every state; rate = covered / households.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, QuerySet

from bastion.access.roles import Perm
from bastion.access.scoping import scope_of
from bastion.campaigns.models import (
    Campaign,
    CoverageCount,
    HouseholdVisit,
    Outcome,
    VisitState,
)
from bastion.campaigns.selectors.campaigns import (
    area_paths,
    campaign_households,
    prefix_q,
    round_at,
    scope_states,
    user_prefixes,
)
from bastion.geo.models import Region

OUTCOME_KEYS = tuple(Outcome.values)
FIGURE_KEYS = ("households", "covered", "pending", *OUTCOME_KEYS, "rate")


@dataclass
class Counts:
    households: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOME_KEYS, 0))

    def add(self, other: Counts) -> None:
        self.households += other.households
        for key, value in other.outcomes.items():
            self.outcomes[key] += value

    @property
    def visited(self) -> int:
        return self.outcomes[Outcome.VISITED]

    @property
    def nobody_home(self) -> int:
        return self.outcomes[Outcome.NOBODY_HOME]

    revisit = nobody_home

    @property
    def refused(self) -> int:
        return self.outcomes[Outcome.REFUSED]

    @property
    def vacant(self) -> int:
        return self.outcomes[Outcome.VACANT]

    @property
    def moved_out(self) -> int:
        return self.outcomes[Outcome.MOVED_OUT]

    @property
    def covered(self) -> int:
        return self.visited + self.vacant + self.moved_out

    @property
    def pending(self) -> int:
        return self.households - sum(self.outcomes.values())

    @property
    def rate(self) -> float | None:
        """Covered households in percent, one decimal, rounded down (99.96 is not 100)."""
        if not self.households:
            return None
        return int(self.covered * 1000 / self.households) / 10

    def as_dict(self) -> dict:
        return {key: getattr(self, key) for key in FIGURE_KEYS}


@dataclass
class Coverage:
    campaign: Campaign
    region: Region
    round: int
    as_of: dt.datetime | None
    totals: Counts
    children: list[tuple[Region, Counts]]
    grids: dict[str, Counts]


SOURCE_COUNTERS = "counters"
SOURCE_STATES = "states"
SOURCE_LEDGER = "ledger"


def outcome_source(*, user, campaign: Campaign, as_of: dt.datetime | None) -> str:
    """Where the outcome figures come from for this question (all three agree)."""
    if as_of is not None and _entered_after(campaign, as_of):
        return SOURCE_LEDGER
    scope = scope_of(user)
    if campaign.household_tag_id is None and not (
        scope.assigned_household_ids and Perm.CAMPAIGN_VIEW in scope.perms
    ):
        return SOURCE_COUNTERS
    return SOURCE_STATES


def outcome_rows(
    *,
    user,
    campaign: Campaign,
    within: str,
    round_number: int,
    as_of: dt.datetime | None,
    source: str | None = None,
) -> list[tuple[str, str, int]]:
    """(grid path, outcome, households) under `within` for the user's view."""
    source = source or outcome_source(user=user, campaign=campaign, as_of=as_of)
    if source == SOURCE_COUNTERS:
        qs = CoverageCount.objects.filter(campaign=campaign, round=round_number, n__gt=0)
        qs = qs.filter(prefix_q("path", area_paths(campaign)))
        if within:
            qs = qs.filter(path__startswith=within)
        prefixes = user_prefixes(user, Perm.CAMPAIGN_VIEW)
        if prefixes is not None:
            qs = qs.filter(prefix_q("path", prefixes))
        return list(qs.order_by().values_list("path", "outcome", "n"))
    rows = state_rows(
        user=user,
        campaign=campaign,
        within=within,
        round_number=round_number,
        as_of=as_of if source == SOURCE_LEDGER else None,
    )
    return list(rows.values_list("path", "outcome").annotate(n=Count("*")))


def state_rows(
    *, user, campaign: Campaign, within: str, round_number: int, as_of: dt.datetime | None
) -> QuerySet:
    """The counted visit (state) of each visited household: VisitState rows now, the
    ledger's effective visits at an earlier `as_of` (one after the last entry is now).
    Both have `path`, `outcome` and `household_id`."""
    if as_of is None or not _entered_after(campaign, as_of):
        qs = VisitState.objects.filter(campaign=campaign, round=round_number)
    else:
        visits = HouseholdVisit.objects.filter(
            campaign=campaign, round=round_number, recorded_at__lte=as_of
        )
        replaced = HouseholdVisit.objects.filter(
            campaign=campaign, corrects__isnull=False, recorded_at__lte=as_of
        ).values("corrects_id")
        if within:
            visits = visits.filter(path__startswith=within)
        visits = scope_states(visits, user)  # the newest per household of hers only
        latest = (
            visits.exclude(pk__in=replaced)
            .order_by()
            .values("household_id")
            .annotate(last=Max("id"))
            .values("last")
        )
        qs = HouseholdVisit.objects.filter(pk__in=latest)
    qs = qs.filter(prefix_q("path", area_paths(campaign)))
    if within:
        qs = qs.filter(path__startswith=within)
    qs = scope_states(qs, user)
    if campaign.household_tag_id is not None:
        in_scope = campaign_households(user=user, campaign=campaign, within=within, as_of=as_of)
        qs = qs.filter(household_id__in=in_scope.values("pk"))
    return qs.order_by()


def _entered_after(campaign: Campaign, as_of: dt.datetime) -> bool:
    return HouseholdVisit.objects.filter(campaign=campaign, recorded_at__gt=as_of).exists()


def grid_counts(
    *,
    user,
    campaign: Campaign,
    within: str,
    round_number: int | None = None,
    as_of: dt.datetime | None = None,
    source: str | None = None,
) -> dict[str, Counts]:
    """Counts per grid path under `within` for the user's view of the campaign
    (`source` forces where outcomes come from: for tests and the benchmark)."""
    if round_number is None:
        round_number = round_at(campaign, as_of)
    grids: dict[str, Counts] = defaultdict(Counts)
    households = (
        campaign_households(user=user, campaign=campaign, within=within, as_of=as_of)
        .order_by()
        .values_list("path")
        .annotate(n=Count("*"))
    )
    for path, n in households:
        grids[path].households += n
    if round_number:
        for path, outcome, n in outcome_rows(
            user=user,
            campaign=campaign,
            within=within,
            round_number=round_number,
            as_of=as_of,
            source=source,
        ):
            grids[path].outcomes[outcome] += n
    return dict(grids)


def coverage(
    *,
    user,
    campaign: Campaign,
    region: Region,
    round_number: int | None = None,
    as_of: dt.datetime | None = None,
    with_children: bool = True,
) -> Coverage:
    """Totals for `region`, and per child region (the drill-down rows), of the campaign
    as the user sees it."""
    if round_number is None:
        round_number = round_at(campaign, as_of)
    grids = grid_counts(
        user=user, campaign=campaign, within=region.path, round_number=round_number, as_of=as_of
    )
    totals = Counts()
    for counts in grids.values():
        totals.add(counts)
    children: list[tuple[Region, Counts]] = []
    if with_children and region.level != "grid":
        by_child: dict[str, Counts] = defaultdict(Counts)
        kids = list(Region.objects.filter(parent=region).order_by("path"))
        for path, counts in grids.items():
            for child in kids:
                if path.startswith(child.path):
                    by_child[child.path].add(counts)
                    break
        areas = area_paths(campaign)
        children = [
            (child, by_child.get(child.path, Counts()))
            for child in kids
            if child.path in by_child
            or any(child.path.startswith(a) or a.startswith(child.path) for a in areas)
        ]
    return Coverage(
        campaign=campaign,
        region=region,
        round=round_number,
        as_of=as_of,
        totals=totals,
        children=children,
        grids=grids,
    )


def map_payload(
    *, coverage_result: Coverage, link=None, empty_label: str = "", value_label: str = ""
) -> dict:
    """The JSON `static/bastion/gridmap.js` draws: every grid under the region with its
    polygon, coverage rate and a label; `link(region)` gives the drill-down URL."""
    grids = coverage_result.grids
    rows = (
        Region.objects.filter(level="grid", path__startswith=coverage_result.region.path)
        .filter(path__in=list(grids))
        .order_by("path")
        .only("code", "name", "path", "boundary")
    )
    regions = []
    for grid in rows:
        counts = grids[grid.path]
        regions.append(
            {
                "code": grid.code,
                "name": grid.name,
                "boundary": grid.boundary,
                "value": counts.rate,
                "url": link(grid) if link else None,
                "label": _map_label(counts),
            }
        )
    return {
        "unit": "%",
        "min": 0,
        "max": 100,
        "value_label": value_label,
        "empty": empty_label,
        "regions": regions,
    }


def _map_label(counts: Counts) -> str:
    from django.utils.translation import gettext as _

    rate = "—" if counts.rate is None else f"{counts.rate:g}%"
    return _("%(rate)s（%(covered)d/%(households)d 户）") % {
        "rate": rate,
        "covered": counts.covered,
        "households": counts.households,
    }
