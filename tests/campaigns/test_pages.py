"""Campaign pages: the grid worker's visit flow, coverage drill-down, scoping, exports."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from bastion.campaigns.models import HouseholdVisit, Outcome, VisitState
from bastion.campaigns.services.visits import visit_record
from bastion.core.models import AuditEntry
from tests.campaigns.conftest import png_bytes


def _visit_url(campaign, household):
    return reverse("campaigns:household_visit", args=[campaign.public_id, household.public_id])


def _entry_key(response) -> str:
    html = response.content.decode()
    marker = 'name="entry_key" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_gridworker_is_sent_to_her_first_household(county, campaign, households, login):
    client = login(county.gridworker)
    response = client.get(reverse("campaigns:visit_next", args=[campaign.public_id]))
    assert response.status_code == 302
    assert response.url.startswith(_visit_url(campaign, households["h11"]))


def test_double_tapped_visit_submit_writes_one_visit(county, campaign, households, login):
    client = login(county.gridworker)
    url = _visit_url(campaign, households["h11"])
    key = _entry_key(client.get(url))
    data = {"outcome": "nobody_home", "people_present": "0", "entry_key": key, "next": ""}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert HouseholdVisit.objects.count() == 1
    assert VisitState.objects.get().attempts == 1


def test_visit_with_findings_offers_the_observation_link(county, campaign, households, login):
    client = login(county.gridworker)
    url = _visit_url(campaign, households["h11"])
    zhang = county.people["zhang"]
    response = client.post(
        url,
        {
            "outcome": "visited",
            "people_present": "2",
            "entry_key": "k1",
            "returnees": [str(zhang.public_id)],
            "origin": "湖北省武汉市",
            "arrived_on": "2020-01-20",
        },
    )
    visit = HouseholdVisit.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "campaigns:visit", args=[visit.public_id]
    )
    page = client.get(response.url).content.decode()
    register = reverse("monitoring:observation_register")
    assert f"{register}?person={zhang.public_id}" in page
    finding = visit.findings.get()
    assert finding.arrival_ref  # logged with monitoring


def test_visit_form_refuses_a_non_image_photo(county, campaign, households, login):
    client = login(county.gridworker)
    fake = io.BytesIO(b"%PDF-1.4 not a photo")
    fake.name = "photo.jpg"
    response = client.post(
        _visit_url(campaign, households["h11"]),
        {"outcome": "visited", "people_present": "1", "entry_key": "k2", "photo": fake},
    )
    assert response.status_code == 422
    assert "不支持的文件类型" in response.content.decode()
    assert not HouseholdVisit.objects.exists()


def test_visit_photo_is_stored_and_served_to_those_in_scope(
    county, campaign, households, login, client
):
    worker = login(county.gridworker)
    worker.post(
        _visit_url(campaign, households["h11"]),
        {
            "outcome": "visited",
            "people_present": "1",
            "entry_key": "k3",
            "photo": png_bytes(),
            "stay": "",
        },
    )
    visit = HouseholdVisit.objects.get()
    url = reverse("campaigns:visit_photo", args=[visit.public_id])
    response = worker.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("image/")
    client.logout()
    assert login(county.outsider).get(url).status_code == 404


def test_future_visit_date_is_refused_on_the_page(county, campaign, households, login):
    response = login(county.gridworker).post(
        _visit_url(campaign, households["h11"]),
        {
            "outcome": "visited",
            "people_present": "1",
            "entry_key": "k4",
            "visited_at": "2999-01-01T10:00",
        },
    )
    assert response.status_code == 422
    assert "不能晚于现在" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"outcome": "teleported", "people_present": "1"},
        {"outcome": "visited", "people_present": "-3"},
        {"outcome": "visited", "people_present": "abc"},
        {"outcome": "nobody_home", "people_present": "4"},
        {"outcome": "visited", "people_present": "1", "latitude": "999", "longitude": "1"},
        {"outcome": "visited", "people_present": "1", "symptomatic_others": "王五"},
        {"outcome": "visited", "people_present": "1", "returnees": ["not-a-member"]},
    ],
)
def test_bad_visit_input_is_a_422_and_writes_nothing(county, campaign, households, login, data):
    response = login(county.gridworker).post(
        _visit_url(campaign, households["h11"]), {**data, "entry_key": "bad"}
    )
    assert response.status_code == 422
    assert not HouseholdVisit.objects.exists()


def test_outsider_gets_404_for_the_campaign_and_its_households(county, campaign, households, login):
    client = login(county.outsider)
    for url in (
        reverse("campaigns:campaign", args=[campaign.public_id]),
        reverse("campaigns:coverage_map", args=[campaign.public_id]),
        reverse("campaigns:coverage_export", args=[campaign.public_id]),
        reverse("campaigns:visit_next", args=[campaign.public_id]),
        reverse("campaigns:revisit", args=[campaign.public_id]),
        _visit_url(campaign, households["h11"]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(_visit_url(campaign, households["h11"]), {"outcome": "visited"}).status_code
        == 404
    )


def test_outsider_gets_404_for_a_visit(county, campaign, households, login):
    visit = visit_record(
        actor=county.gridworker,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.REFUSED,
    ).visit
    client = login(county.outsider)
    assert client.get(reverse("campaigns:visit", args=[visit.public_id])).status_code == 404
    response = client.post(
        reverse("campaigns:visit_correct", args=[visit.public_id]),
        {"outcome": "visited", "people_present": "1", "reason": "我来改一下"},
    )
    assert response.status_code == 404
    assert HouseholdVisit.objects.count() == 1


def test_gridworker_cannot_visit_the_neighbouring_grid(county, campaign, households, login):
    assert login(county.gridworker).get(_visit_url(campaign, households["h12"])).status_code == 404


def test_campaign_page_drills_down_to_the_grid_households(county, campaign, households, login):
    visit_record(
        actor=county.town,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.NOBODY_HOME,
    )
    client = login(county.town)
    page = client.get(reverse("campaigns:campaign", args=[campaign.public_id])).content.decode()
    assert "松雅社区" in page and 'id="children"' in page
    grid = client.get(
        reverse("campaigns:campaign", args=[campaign.public_id]), {"region": county.grid_a1_1.code}
    ).content.decode()
    assert "1栋101" in grid and "无人在家" in grid
    revisit = client.get(reverse("campaigns:revisit", args=[campaign.public_id])).content.decode()
    assert "1栋101" in revisit


def test_campaign_page_query_count_is_pinned(
    county, campaign, households, login, django_assert_max_num_queries
):
    for household in households.values():
        if household.path.startswith(county.town_a.path):
            visit_record(
                actor=county.town,
                campaign=campaign,
                household=household,
                outcome=Outcome.VISITED,
                people_present=1,
            )
    client = login(county.town)
    url = reverse("campaigns:campaign", args=[campaign.public_id])
    client.get(url)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get(url, {"region": county.grid_a1_1.code}).status_code == 200


def test_home_query_count_is_pinned(county, campaign, login, django_assert_max_num_queries):
    client = login(county.town)
    client.get(reverse("campaigns:home"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("campaigns:home"))
    assert campaign.name in response.content.decode()


def test_coverage_map_data_has_the_grid_polygon_and_rate(county, campaign, households, login):
    visit_record(
        actor=county.town,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.VISITED,
        people_present=1,
    )
    body = json.loads(
        login(county.town).get(reverse("campaigns:coverage_map", args=[campaign.public_id])).content
    )
    grid = next(r for r in body["regions"] if r["code"] == county.grid_a1_1.code)
    assert grid["value"] == 100.0 and grid["boundary"]["type"] == "Polygon"
    assert grid["url"].endswith(f"region={county.grid_a1_1.code}")


def test_coverage_export_has_a_row_per_region(county, campaign, households, login):
    visit_record(
        actor=county.town,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.VISITED,
        people_present=1,
    )
    response = login(county.town).get(
        reverse("campaigns:coverage_export", args=[campaign.public_id])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    codes = {r[0] for r in rows if r and r[0] and str(r[0]).startswith("4301")}
    assert {
        county.town_a.code,
        county.community_a1.code,
        county.grid_a1_1.code,
        county.grid_a1_2.code,
    } <= codes
    grid_row = next(r for r in rows if r and r[0] == county.grid_a1_1.code)
    assert grid_row[3:7] == (1, 1, 100.0, 1)


def test_visit_export_is_masked_needs_export_pii_and_is_audited(
    county, campaign, households, login, client
):
    zhang = county.people["zhang"]
    from bastion.campaigns.services.visits import FindingInput

    visit_record(
        actor=county.town,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.VISITED,
        people_present=1,
        findings=[FindingInput(kind="symptoms", person=zhang, symptoms="发热")],
    )
    url = reverse("campaigns:visits_export", args=[campaign.public_id])
    assert login(county.community).get(url).status_code == 403
    client.logout()
    response = login(county.town).get(url)
    assert response.status_code == 200
    text = " ".join(
        str(c)
        for r in load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
        for c in r
        if c
    )
    assert "张**" in text and "张建国" not in text
    assert AuditEntry.objects.filter(
        action="export", object_type="campaigns.householdvisit"
    ).exists()


def test_new_campaign_page_is_403_for_a_grid_worker(county, login):
    assert login(county.gridworker).get(reverse("campaigns:campaign_new")).status_code == 403


def test_community_officer_creates_a_campaign_on_the_page(county, login):
    response = login(county.community).post(
        reverse("campaigns:campaign_new"),
        {
            "name": "松雅社区敲门行动",
            "kind": "door_knock",
            "starts_on": "2026-01-01",
            "ends_on": "2026-01-10",
            "regions": [county.community_a1.code],
        },
    )
    assert response.status_code == 302


def test_campaign_form_refuses_a_reversed_period(county, login):
    response = login(county.community).post(
        reverse("campaigns:campaign_new"),
        {
            "name": "倒着的行动",
            "kind": "carpet",
            "starts_on": "2026-01-10",
            "ends_on": "2026-01-01",
            "regions": [county.community_a1.code],
        },
    )
    assert response.status_code == 422
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_campaign_pages_switch_to_english(county, campaign, households, venue, login):
    from django.conf import settings

    client = login(county.gridworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    detail = client.get(reverse("campaigns:campaign", args=[campaign.public_id])).content.decode()
    assert "Start visiting (next household)" in detail and "Households to screen" in detail
    assert "开始走访" not in detail
    form = client.get(_visit_url(campaign, households["h11"])).content.decode()
    assert "Save, next household" in form and "Nobody home" in form and "保存，下一户" not in form
    venue_page = client.get(reverse("campaigns:venue", args=[venue.public_id])).content.decode()
    assert "Record an inspection" in venue_page
    public = Client().get(
        reverse("campaigns_public:checkin", args=[venue.checkin_code]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert public.status_code == 200


def test_every_campaigns_page_renders_for_the_town_officer(
    county, campaign, households, venue, login
):
    from django.utils import timezone

    from bastion.campaigns.services.checkins import checkin_record, trace_request
    from bastion.campaigns.services.materials import (
        company_save,
        distribution_record,
        material_create,
    )
    from bastion.campaigns.services.venues import commitment_record, inspection_record

    visit = visit_record(
        actor=county.town,
        campaign=campaign,
        household=households["h11"],
        outcome=Outcome.NOBODY_HOME,
    ).visit
    inspection, _w = inspection_record(actor=county.town, venue=venue, result="compliant")
    letter = commitment_record(
        actor=county.town, venue=venue, signed_by="刘", signed_on=timezone.localdate()
    )
    material = material_create(
        actor=county.town, name="倡议书", kind="proposal", region=county.town_a
    )
    company = company_save(actor=county.town, name="物业甲", region=county.community_a1)
    distribution_record(
        actor=county.town,
        material=material,
        action="handed_out",
        quantity=5,
        region=county.grid_a1_1,
        distributed_on=timezone.localdate(),
        company=company,
    )
    checkin_record(venue=venue, name="陈明", phone="13900002222")
    now = timezone.now()
    trace = trace_request(
        actor=county.town,
        venue=venue,
        window_start=now - dt.timedelta(hours=1),
        window_end=now,
        case_ref="C-1",
        purpose="密接排查",
    )
    c, v = campaign.public_id, venue.public_id
    urls = [
        reverse("campaigns:home"),
        reverse("campaigns:campaign_new"),
        reverse("campaigns:campaign", args=[c]),
        reverse("campaigns:campaign", args=[c])
        + f"?region={county.grid_a1_1.code}&status=nobody_home",
        reverse("campaigns:campaign_edit", args=[c]),
        reverse("campaigns:revisit", args=[c]),
        _visit_url(campaign, households["h11"]),
        reverse("campaigns:visit", args=[visit.public_id]),
        reverse("campaigns:venues") + "?status=overdue&kind=hotel&q=星",
        reverse("campaigns:venue_new"),
        reverse("campaigns:venue", args=[v]),
        reverse("campaigns:venue_edit", args=[v]),
        reverse("campaigns:venue_qr", args=[v]),
        reverse("campaigns:inspection_new", args=[v]),
        reverse("campaigns:inspection_new", args=[v]) + f"?follows={inspection.public_id}",
        reverse("campaigns:inspection", args=[inspection.public_id]),
        reverse("campaigns:commitment_new", args=[v]),
        reverse("campaigns:trace_new", args=[v]),
        reverse("campaigns:traces"),
        reverse("campaigns:trace", args=[trace.public_id]),
        reverse("campaigns:venue_kinds"),
        reverse("campaigns:materials"),
        reverse("campaigns:material_new"),
        reverse("campaigns:material", args=[material.public_id]),
        reverse("campaigns:distribution_new") + f"?material={material.public_id}",
        reverse("campaigns:companies"),
        reverse("campaigns:company_new"),
        reverse("campaigns:company", args=[company.public_id]),
        reverse("campaigns:company_edit", args=[company.public_id]),
    ]
    client = login(county.town)
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert letter.venue_id == venue.pk
    kinds_page = login(county.command).get(reverse("campaigns:venue_kind_new"))
    assert kinds_page.status_code == 200


@pytest.mark.parametrize(
    "name",
    ["campaign_new", "venue_new", "material_new", "company_new", "distribution_new", "traces"],
)
def test_pages_for_actions_are_403_for_a_user_without_the_permission(county, login, name):
    assert login(county.users["volunteer"]).get(reverse(f"campaigns:{name}")).status_code == 403
