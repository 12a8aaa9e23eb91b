"""/api/v1/campaigns/: campaigns, coverage, visits (idempotent), venues, materials."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from bastion.campaigns.models import HouseholdVisit, Outcome, VisitState
from bastion.campaigns.selectors.coverage import coverage
from bastion.campaigns.services.materials import material_create
from bastion.campaigns.services.visits import visit_record
from bastion.core.models import AuditEntry
from tests.mixins import APIReadTests, api_post, items

API = "/api/v1/campaigns"


class TestCampaignReads(APIReadTests):
    list_url = f"{API}/campaigns"
    persona = "gridworker"
    list_max_queries = 10

    @pytest.fixture(autouse=True)
    def _campaign(self, campaign):
        self.campaign = campaign

    def detail_key(self, county) -> str:
        return str(self.campaign.public_id)


class TestVenueReads(APIReadTests):
    list_url = f"{API}/venues"
    persona = "community"
    list_max_queries = 10

    @pytest.fixture(autouse=True)
    def _venue(self, venue):
        self.venue = venue

    def detail_key(self, county) -> str:
        return str(self.venue.public_id)


def test_town_officer_creates_a_campaign_and_the_grid_worker_may_not(county, api_login):
    body = {
        "name": "星沙街道敲门行动",
        "kind": "door_knock",
        "starts_on": "2026-02-01",
        "ends_on": "2026-02-10",
        "regions": [county.community_a1.code],
    }
    response = api_post(api_login(county.town), f"{API}/campaigns", body)
    assert response.status_code == 201, response.content
    assert response.json()["areas"][0]["code"] == county.community_a1.code
    worker = api_post(api_login(county.gridworker), f"{API}/campaigns", body)
    assert worker.status_code == 403


def test_campaign_for_a_region_the_caller_cannot_see_is_a_422(county, api_login):
    response = api_post(
        api_login(county.outsider),
        f"{API}/campaigns",
        {
            "name": "越界",
            "kind": "carpet",
            "starts_on": "2026-02-01",
            "ends_on": "2026-02-02",
            "regions": [county.town_a.code],
        },
    )
    assert response.status_code in (403, 422)


def test_coverage_endpoint_matches_the_selector(county, campaign, households, api_login):
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
    body = api_login(county.town).get(f"{API}/campaigns/{campaign.public_id}/coverage").json()
    expected = coverage(user=county.town, campaign=campaign, region=county.town_a).totals.as_dict()
    assert body["totals"] == expected
    assert body["totals"]["households"] == 2 and body["totals"]["rate"] == 50.0
    assert body["region"]["code"] == county.town_a.code
    assert [c["region"]["code"] for c in body["children"]] == [county.community_a1.code]


def test_outsider_gets_404_for_coverage_households_and_visits(
    county, campaign, households, api_login
):
    client = api_login(county.outsider)
    for path in ("coverage", "households", "visits", "revisits", "next"):
        assert client.get(f"{API}/campaigns/{campaign.public_id}/{path}").status_code == 404, path
    response = api_post(
        client,
        f"{API}/campaigns/{campaign.public_id}/visits",
        {"household": str(households["h11"].public_id), "outcome": "visited"},
    )
    assert response.status_code == 404
    assert not HouseholdVisit.objects.exists()


def test_visit_entry_is_idempotent_with_the_key(county, campaign, households, api_login):
    client = api_login(county.gridworker)
    key = str(uuid.uuid4())
    body = {
        "household": str(households["h11"].public_id),
        "outcome": "visited",
        "people_present": 2,
    }
    url = f"{API}/campaigns/{campaign.public_id}/visits"
    first = api_post(client, url, body, HTTP_IDEMPOTENCY_KEY=key)
    again = api_post(client, url, body, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replay"] == "true"
    assert first.json()["public_id"] == again.json()["public_id"]
    assert HouseholdVisit.objects.count() == 1 and VisitState.objects.get().attempts == 1
    other = api_post(client, url, body, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert other.status_code == 422  # settled this round: a new key does not make a second visit


def test_next_household_then_204_when_settled(county, campaign, households, api_login):
    client = api_login(county.gridworker)
    url = f"{API}/campaigns/{campaign.public_id}/next"
    assert client.get(url).json()["public_id"] == str(households["h11"].public_id)
    visit_record(
        actor=county.gridworker,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.VACANT,
    )
    assert client.get(url).status_code == 204


def test_visit_list_and_households_query_counts_are_pinned(
    county, campaign, households, api_login, django_assert_max_num_queries
):
    for household in (households["h11"], households["h12"]):
        visit_record(
            actor=county.town,
            campaign=campaign,
            household=household,
            outcome=Outcome.VISITED,
            people_present=1,
        )
    client = api_login(county.town)
    client.get(f"{API}/campaigns/{campaign.public_id}/visits")
    with django_assert_max_num_queries(10):
        assert len(items(client.get(f"{API}/campaigns/{campaign.public_id}/visits"))) == 2
    with django_assert_max_num_queries(10):
        assert len(items(client.get(f"{API}/campaigns/{campaign.public_id}/households"))) == 2


def test_correction_through_the_api(county, campaign, households, api_login):
    visit = visit_record(
        actor=county.gridworker,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.REFUSED,
    ).visit
    client = api_login(county.gridworker)
    response = api_post(
        client,
        f"{API}/visits/{visit.public_id}/correct",
        {"outcome": "visited", "people_present": 1, "reason": "记错了结果"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["corrects"] == str(visit.public_id)
    assert (
        api_post(
            client,
            f"{API}/visits/{visit.public_id}/correct",
            {"outcome": "vacant", "reason": "再改一次"},
        ).status_code
        == 422
    )


@pytest.mark.parametrize(
    "body",
    [
        {"household": None, "outcome": "visited"},
        {"household": "not-a-uuid", "outcome": "visited"},
        {"household": "00000000-0000-4000-8000-000000000000", "outcome": "visited"},
        {"outcome": "flew_away"},
        {"outcome": "visited", "people_present": 500},
        {"outcome": "visited", "visited_at": "2999-01-01T00:00:00+08:00"},
        {"outcome": "visited", "visited_at": "yesterday"},
        {"outcome": "visited", "findings": [{"kind": "risk_arrival", "person_name": "某人"}]},
        {
            "outcome": "visited",
            "findings": [
                {
                    "kind": "symptoms",
                    "person": "00000000-0000-4000-8000-000000000000",
                    "symptoms": "发热",
                }
            ],
        },
        {
            "outcome": "visited",
            "materials": [{"material": "00000000-0000-4000-8000-000000000000", "quantity": 1}],
        },
        {"outcome": "visited", "latitude": 91, "longitude": 0},
        {"outcome": "visited", "note": "x\u0000y"},
    ],
)
def test_bad_visit_bodies_are_4xx_never_500(county, campaign, households, api_login, body):
    body = {"household": str(households["h11"].public_id), **body}
    body = {k: v for k, v in body.items() if v is not None}
    response = api_post(
        api_login(county.gridworker), f"{API}/campaigns/{campaign.public_id}/visits", body
    )
    assert 400 <= response.status_code < 500, response.content
    assert not HouseholdVisit.objects.exists()


def test_visit_photo_upload_accepts_images_only_once(county, campaign, households, api_login):
    from tests.campaigns.conftest import png_bytes

    visit = visit_record(
        actor=county.gridworker,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.VISITED,
        people_present=1,
    ).visit
    client = api_login(county.gridworker)
    url = f"{API}/visits/{visit.public_id}/photo"
    import io

    bad = io.BytesIO(b"<svg onload=alert(1)>")
    bad.name = "x.png"
    assert client.post(url, {"photo": bad}).status_code == 422
    assert client.post(url, {"photo": png_bytes()}).status_code == 200
    assert client.post(url, {"photo": png_bytes()}).status_code == 422


def test_material_handed_out_at_a_visit_counts_as_a_distribution(
    county, campaign, households, api_login
):
    leaflet = material_create(
        actor=county.town,
        name="致居民的一封信",
        kind="proposal",
        region=county.town_a,
        campaign=campaign,
    )
    response = api_post(
        api_login(county.gridworker),
        f"{API}/campaigns/{campaign.public_id}/visits",
        {
            "household": str(households["h11"].public_id),
            "outcome": "visited",
            "people_present": 1,
            "materials": [{"material": str(leaflet.public_id), "quantity": 2}],
        },
    )
    assert response.status_code == 201, response.content
    body = api_login(county.town).get(f"{API}/materials/{leaflet.public_id}").json()
    assert body["handed_out"] == 2


def test_distribution_ledger_and_void(county, api_login):
    poster = material_create(
        actor=county.town, name="防疫海报", kind="poster", region=county.town_a
    )
    client = api_login(county.community)
    company = api_post(
        client,
        f"{API}/companies",
        {"name": "星沙物业", "region": county.community_a1.code, "contact_phone": "13911112222"},
    )
    assert company.status_code == 201, company.content
    assert company.json()["contact_phone_masked"] == "139****2222"
    entry = api_post(
        client,
        f"{API}/distributions",
        {
            "material": str(poster.public_id),
            "action": "posted",
            "quantity": 12,
            "region": county.grid_a1_1.code,
            "distributed_on": "2020-02-01",
            "place": "小区公告栏",
            "company": company.json()["public_id"],
        },
    )
    assert entry.status_code == 201, entry.content
    assert api_login(county.town).get(f"{API}/materials/{poster.public_id}").json()["posted"] == 12
    void = api_post(
        client, f"{API}/distributions/{entry.json()['public_id']}/void", {"reason": "数量录错了"}
    )
    assert void.status_code == 201 and void.json()["quantity"] == -12
    assert api_login(county.town).get(f"{API}/materials/{poster.public_id}").json()["posted"] == 0
    again = api_post(
        client, f"{API}/distributions/{entry.json()['public_id']}/void", {"reason": "再作废一次"}
    )
    assert again.status_code == 422


def test_outsider_cannot_record_a_distribution_in_town_a(county, api_login):
    poster = material_create(
        actor=county.command, name="县海报", kind="poster", region=county.county
    )
    response = api_post(
        api_login(county.outsider),
        f"{API}/distributions",
        {
            "material": str(poster.public_id),
            "action": "posted",
            "quantity": 1,
            "region": county.grid_a1_1.code,
            "distributed_on": "2020-02-01",
        },
    )
    assert response.status_code == 422  # the grid is not visible to her: no such region


@pytest.mark.django_db(transaction=True)
def test_concurrent_conclusive_visits_of_one_household_write_one(county, campaign, households):
    if connection.vendor != "postgresql":
        pytest.skip("threads on the in-memory SQLite test database share one connection lock")
    from bastion.access.services import api_token_create

    _token, raw = api_token_create(actor=county.gridworker, user=county.gridworker, name="ci")
    barrier = threading.Barrier(4)
    results: list[int] = []
    body = {
        "household": str(households["h11"].public_id),
        "outcome": "visited",
        "people_present": 1,
    }

    def worker():
        try:
            barrier.wait()
            response = api_post(
                Client(),
                f"{API}/campaigns/{campaign.public_id}/visits",
                body,
                HTTP_AUTHORIZATION=f"Bearer {raw}",
            )
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [201, 422, 422, 422]
    assert HouseholdVisit.objects.count() == 1
    assert AuditEntry.objects.filter(object_type="campaigns.householdvisit").count() == 1


def test_publicity_lists_have_pinned_query_counts(
    county, api_login, login, django_assert_max_num_queries
):
    from bastion.campaigns.services.materials import company_save, distribution_record

    poster = material_create(actor=county.town, name="海报", kind="poster", region=county.town_a)
    for n in range(4):
        company = company_save(actor=county.community, name=f"物业{n}", region=county.community_a1)
        distribution_record(
            actor=county.community,
            material=poster,
            action="posted",
            quantity=n + 1,
            region=county.grid_a1_1,
            distributed_on=poster.created_at.date(),
            company=company,
        )
    client = api_login(county.community)
    for url in (f"{API}/materials", f"{API}/companies", f"{API}/distributions"):
        client.get(url)
        with django_assert_max_num_queries(10):
            assert items(client.get(url)), url
    from django.urls import reverse

    for name in ("campaigns:materials", "campaigns:companies"):
        client.get(reverse(name))
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("campaigns:material", args=[poster.public_id])).status_code == 200
