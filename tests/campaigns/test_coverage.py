"""Coverage figures equal what a direct count of households and visits gives, for every
persona, with a household tag, and at an earlier moment (the ledger path)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.utils import timezone

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_households
from bastion.campaigns.models import HouseholdVisit, Outcome
from bastion.campaigns.selectors.coverage import Counts, coverage, grid_counts
from bastion.campaigns.services.campaigns import campaign_create
from bastion.campaigns.services.visits import visit_correct, visit_record
from bastion.geo.models import Household
from bastion.geo.services import household_create
from bastion.people.models import Person, Tag
from tests.conftest import make_person

OUTCOMES = [Outcome.VISITED] * 5 + [
    Outcome.NOBODY_HOME,
    Outcome.REFUSED,
    Outcome.VACANT,
    Outcome.MOVED_OUT,
]


def direct_counts(user, campaign, region_path, as_of=None):
    """Households and latest counted outcomes, computed the slow obvious way."""
    households = [
        h
        for h in restrict_households(Household.objects.all(), user, Perm.CAMPAIGN_VIEW)
        if h.path.startswith(region_path)
        and any(h.path.startswith(a.path) for a in campaign.areas.all())
        and (as_of is None or h.created_at <= as_of)
        and (
            campaign.household_tag_id is None
            or Person.objects.filter(household=h, tags=campaign.household_tag).exists()
        )
    ]
    ids = {h.pk for h in households}
    visits = [
        v
        for v in HouseholdVisit.objects.filter(
            campaign=campaign, round=campaign.current_round
        ).order_by("id")
        if v.household_id in ids and (as_of is None or v.recorded_at <= as_of)
    ]
    replaced = {v.corrects_id for v in visits if v.corrects_id}
    latest = {}
    for v in visits:
        if v.pk not in replaced:
            latest[v.household_id] = v.outcome
    outcomes = Counter(latest.values())
    covered = outcomes["visited"] + outcomes["vacant"] + outcomes["moved_out"]
    return {
        "households": len(households),
        "visited": outcomes["visited"],
        "nobody_home": outcomes["nobody_home"],
        "refused": outcomes["refused"],
        "vacant": outcomes["vacant"],
        "moved_out": outcomes["moved_out"],
        "covered": covered,
        "pending": len(households) - len(latest),
    }


def figures(counts) -> dict:
    keys = (
        "households",
        "visited",
        "nobody_home",
        "refused",
        "vacant",
        "moved_out",
        "covered",
        "pending",
    )
    return {k: getattr(counts, k) for k in keys}


@pytest.fixture
def busy_town(county, campaign):
    """30 more households in each grid of town A (and some next door), visited at random."""
    rng = random.Random(8)
    for grid in (county.grid_a1_1, county.grid_a1_2, county.grid_b1_1):
        for n in range(30):
            household_create(grid=grid, label=f"{grid.code[-3:]}-{n}")
    actor = county.town
    for household in Household.objects.filter(path__startswith=county.town_a.path).order_by("id"):
        roll = rng.random()
        if roll < 0.2:
            continue  # pending
        tries = 2 if roll < 0.35 else 1
        for i in range(tries):
            outcome = Outcome.NOBODY_HOME if i < tries - 1 else rng.choice(OUTCOMES)
            result = visit_record(
                actor=actor,
                campaign=campaign,
                household=household,
                outcome=outcome,
                people_present=1 if outcome == Outcome.VISITED else 0,
            )
        if roll > 0.95 and result.visit.outcome != Outcome.VISITED:
            visit_correct(
                actor=actor,
                visit=result.visit,
                outcome=Outcome.VISITED,
                people_present=2,
                reason="核实后更正",
            )
    return campaign


@pytest.mark.parametrize("persona", ["command", "town", "community", "gridworker", "outsider"])
def test_coverage_equals_direct_counts_for_every_persona(county, busy_town, persona):
    user = county.users[persona]
    for region in (county.county, county.town_a, county.community_a1, county.grid_a1_1):
        result = coverage(user=user, campaign=busy_town, region=region)
        assert figures(result.totals) == direct_counts(user, busy_town, region.path), (
            persona,
            region.name,
        )
        if region.level != "grid":
            assert sum(c.households for _r, c in result.children) == result.totals.households


@pytest.mark.parametrize("source", ["counters", "states", "ledger"])
@pytest.mark.parametrize("persona", ["command", "community", "gridworker"])
def test_every_source_of_outcomes_gives_the_direct_counts(county, busy_town, persona, source):
    user = county.users[persona]
    as_of = timezone.now() if source == "ledger" else None
    grids = grid_counts(
        user=user, campaign=busy_town, within=county.county.path, source=source, as_of=as_of
    )
    total = Counts()
    for counts in grids.values():
        total.add(counts)
    assert figures(total) == direct_counts(user, busy_town, county.county.path)
    for path, counts in grids.items():
        assert figures(counts) == direct_counts(user, busy_town, path)


def test_a_household_assignment_reads_states_not_grid_counters(county, busy_town):
    from bastion.access.models import Assignment
    from bastion.campaigns.selectors.coverage import outcome_source

    h12 = Household.objects.filter(region=county.grid_a1_2).order_by("id").first()
    Assignment.objects.create(
        user=county.gridworker, kind="household", household=h12, path=h12.path
    )
    worker = type(county.gridworker).objects.get(pk=county.gridworker.pk)
    assert outcome_source(user=worker, campaign=busy_town, as_of=None) == "states"
    result = coverage(user=worker, campaign=busy_town, region=county.town_a)
    assert figures(result.totals) == direct_counts(worker, busy_town, county.town_a.path)


def test_coverage_children_add_up_to_the_region_and_match_direct_counts(county, busy_town):
    result = coverage(user=county.command, campaign=busy_town, region=county.community_a1)
    for child, counts in result.children:
        assert figures(counts) == direct_counts(county.command, busy_town, child.path)
    assert result.totals.households > 60
    assert 0 < result.totals.rate < 100


def test_coverage_at_an_earlier_moment_reads_the_ledger(county, busy_town):
    cut = timezone.now()
    before = direct_counts(county.command, busy_town, county.town_a.path, as_of=cut)
    later = (
        Household.objects.filter(region=county.grid_a1_1)
        .exclude(pk__in=HouseholdVisit.objects.values("household_id"))
        .first()
    )
    visit_record(
        actor=county.town,
        campaign=busy_town,
        household=later,
        outcome=Outcome.VISITED,
        people_present=1,
        now=cut + dt.timedelta(seconds=5),
    )
    past = coverage(user=county.command, campaign=busy_town, region=county.town_a, as_of=cut)
    assert figures(past.totals) == before
    now = coverage(user=county.command, campaign=busy_town, region=county.town_a)
    assert now.totals.visited == past.totals.visited + 1


def test_coverage_of_a_tagged_campaign_counts_only_households_with_the_tag(county, busy_town):
    elderly = Tag.objects.get(code="elderly_alone")
    extra = Household.objects.filter(region=county.grid_a1_2).order_by("id")[3]
    make_person(county.grid_a1_2, "孙婆婆", household=extra).tags.add(elderly)
    today = timezone.localdate()
    tagged = campaign_create(
        actor=county.town,
        name="独居老人走访",
        kind="door_knock",
        starts_on=today,
        ends_on=today,
        regions=[county.town_a],
        household_tag=elderly,
    )
    h11 = Household.objects.get(region=county.grid_a1_1, label="1栋101")
    visit_record(
        actor=county.town, campaign=tagged, household=h11, outcome=Outcome.VISITED, people_present=1
    )
    result = coverage(user=county.command, campaign=tagged, region=county.town_a)
    assert figures(result.totals) == direct_counts(county.command, tagged, county.town_a.path)
    assert result.totals.households == 2 and result.totals.visited == 1


def test_grid_counts_leave_out_the_neighbouring_town(county, busy_town):
    grids = grid_counts(user=county.command, campaign=busy_town, within=county.county.path)
    assert county.grid_b1_1.path not in grids
    assert set(grids) == {county.grid_a1_1.path, county.grid_a1_2.path}
