"""The campaigns indicators: the same figures as the coverage page, as-of, scoped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bastion.campaigns.models import Outcome
from bastion.campaigns.selectors.coverage import coverage
from bastion.campaigns.services.checkins import checkin_record
from bastion.campaigns.services.materials import company_save, distribution_record, material_create
from bastion.campaigns.services.venues import commitment_record, inspection_record
from bastion.campaigns.services.visits import visit_record
from bastion.core.indicators import Scope, all_indicators

CODES = [
    "campaigns_households",
    "campaigns_households_visited",
    "campaigns_households_pending",
    "campaigns_households_revisit",
    "campaigns_households_refused",
    "campaigns_coverage_rate",
    "campaigns_venues_inspected",
    "campaigns_venues_compliant",
    "campaigns_commitments_signed",
    "campaigns_checkins",
    "campaigns_leaflets_handed_out",
    "campaigns_posters_put_up",
    "campaigns_partner_companies",
]


def value(code, user, as_of=None, region_path=None):
    indicator = all_indicators()[code]
    scope = Scope(user=user, region_path=region_path)
    moment = as_of or timezone.now()
    return indicator.count(scope, moment), indicator.records(scope, moment)


def test_every_indicator_the_issue_names_is_registered():
    assert set(CODES) <= set(all_indicators())


@pytest.fixture
def field_work(county, campaign, households, venue):
    visit_record(
        actor=county.town,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.NOBODY_HOME,
    )
    visit_record(
        actor=county.town,
        campaign=campaign,
        household=households["h12"],
        outcome=Outcome.VISITED,
        people_present=1,
    )
    inspection_record(
        actor=county.gridworker, venue=venue, result="compliant", passed_items=["住客实名登记"]
    )
    commitment_record(
        actor=county.gridworker, venue=venue, signed_by="刘老板", signed_on=timezone.localdate()
    )
    checkin_record(venue=venue, name="陈明", phone="13900002222")
    leaflet = material_create(
        actor=county.town, name="倡议书", kind="proposal", region=county.town_a
    )
    poster = material_create(actor=county.town, name="海报", kind="poster", region=county.town_a)
    company = company_save(actor=county.community, name="星沙物业", region=county.community_a1)
    today = timezone.localdate()
    distribution_record(
        actor=county.gridworker,
        material=leaflet,
        action="handed_out",
        quantity=300,
        region=county.grid_a1_1,
        distributed_on=today,
    )
    distribution_record(
        actor=county.community,
        material=poster,
        action="posted",
        quantity=12,
        region=county.grid_a1_2,
        distributed_on=today,
        company=company,
        place="公告栏",
    )
    return campaign


def test_household_indicators_equal_the_coverage_page(county, field_work):
    totals = coverage(user=county.town, campaign=field_work, region=county.town_a).totals
    expected = {
        "campaigns_households": totals.households,
        "campaigns_households_visited": totals.visited,
        "campaigns_households_pending": totals.pending,
        "campaigns_households_revisit": totals.nobody_home,
        "campaigns_households_refused": totals.refused,
    }
    for code, figure in expected.items():
        count, records = value(code, county.town)
        assert count == figure == records.count(), code
    assert value("campaigns_coverage_rate", county.town)[0] == 50


def test_venue_letter_checkin_and_publicity_indicators(county, field_work, venue):
    got = {code: value(code, county.command)[0] for code in CODES[6:]}
    assert got == {
        "campaigns_venues_inspected": 1,
        "campaigns_venues_compliant": 1,
        "campaigns_commitments_signed": 1,
        "campaigns_checkins": 1,
        "campaigns_leaflets_handed_out": 300,
        "campaigns_posters_put_up": 12,
        "campaigns_partner_companies": 1,
    }
    _count, records = value("campaigns_checkins", county.command)
    assert list(records) == [venue]  # never the visitors


def test_outsider_sees_zero(county, field_work):
    for code in CODES:
        assert value(code, county.outsider)[0] == 0, code


def test_as_of_before_the_work_excludes_it(county, field_work):
    before = timezone.now() - dt.timedelta(days=1)
    assert value("campaigns_households_visited", county.town, as_of=before)[0] == 0
    assert value("campaigns_leaflets_handed_out", county.town, as_of=before)[0] == 0
    assert value("campaigns_checkins", county.command, as_of=before)[0] == 0


def test_inspected_venues_break_down_by_kind(county, field_work):
    indicator = all_indicators()["campaigns_venues_inspected"]
    rows = {
        code: n
        for code, _name, n in indicator.breakdown(Scope(user=county.command), timezone.now())
    }
    assert rows["hotel"] == 1 and rows["ktv"] == 0


def test_indicator_records_name_the_household_and_its_grid(county, field_work, api_login):
    url = "/api/v1/indicators/campaigns_households_visited/records"
    body = api_login(county.town).get(url).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["kind"], item["name"], item["region_code"]) == (
        "householdvisit",
        "2栋201",
        county.grid_a1_2.code,
    )
