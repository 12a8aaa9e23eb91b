"""The campaigns part of `bastion demo` (a small county, quickly)."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command
from django.db.models import Sum

from bastion.campaigns.models import (
    Campaign,
    Commitment,
    HouseholdVisit,
    MaterialDistribution,
    Outcome,
    PartnerCompany,
    Venue,
    VenueKind,
    VisitState,
)
from bastion.campaigns.selectors.coverage import coverage
from bastion.geo.models import Household, Region
from tests.campaigns.test_coverage import direct_counts, figures

SMALL = ["--towns", "3", "--villages", "2", "--grids", "2", "--households", "3"]


@pytest.fixture
def demo(db, kinds):
    call_command("demo", *SMALL, "--seed", "7", verbosity=0)


def test_demo_seeds_a_carpet_screening_with_most_households_visited(demo):
    carpet = Campaign.objects.get(kind="carpet")
    county = Region.objects.get(code="430121000000")
    result = coverage(user=carpet.created_by, campaign=carpet, region=county)
    assert result.totals.households == Household.objects.count()
    assert result.totals.covered > result.totals.households / 2
    assert figures(result.totals) == direct_counts(carpet.created_by, carpet, county.path)
    outcomes = set(VisitState.objects.filter(campaign=carpet).values_list("outcome", flat=True))
    assert {Outcome.VISITED, Outcome.NOBODY_HOME} <= outcomes
    assert HouseholdVisit.objects.filter(findings__kind="risk_arrival").exists()


def test_demo_seeds_venues_letters_and_publicity(demo):
    assert set(Venue.objects.values_list("kind__code", flat=True)) == set(
        VenueKind.objects.values_list("code", flat=True)
    )
    assert Commitment.objects.count() == 40
    assert PartnerCompany.objects.count() == 44
    sums = dict(MaterialDistribution.objects.values_list("action").annotate(n=Sum("quantity")))
    assert sums["posted"] >= 500
    assert MaterialDistribution.objects.filter(company__isnull=False).exists()


class _AlwaysNobodyHome(random.Random):
    """An rng that visits every household and finds nobody home each time."""

    calls = 0

    def random(self):
        self.calls += 1
        return 0.5 if self.calls % 2 else 0.9


def test_demo_door_knocking_records_nobody_home_with_nobody_present(demo):
    from django.utils import timezone

    from bastion.access.models import User
    from bastion.campaigns.demo import _elderly
    from bastion.people.models import Person, Tag

    county = Region.objects.get(code="430121000000")
    town = Region.objects.filter(parent=county).order_by("code").first()
    tag = Tag.objects.get(code="elderly_alone")
    for person in Person.objects.filter(household__path__startswith=town.path)[:3]:
        person.tags.add(tag)
    actor = Campaign.objects.get(kind="carpet").created_by
    _elderly(actor=actor, rng=_AlwaysNobodyHome(), county=county, now=timezone.now())
    knocked = HouseholdVisit.objects.filter(
        campaign__kind="door_knock", outcome=Outcome.NOBODY_HOME
    )
    assert knocked.exists()
    assert set(knocked.values_list("people_present", flat=True)) == {0}
    assert User.objects.filter(pk=actor.pk).exists()
