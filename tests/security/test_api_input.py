"""Input the API's schema does not allow is a 422 naming the field, never a 500 or a
silent default (regressions of the schemathesis findings, issue 13)."""

from __future__ import annotations

import pytest

from bastion.access.roles import Role
from bastion.access.services import api_token_create
from bastion.core.pagination import MAX_PAGE
from tests.conftest import make_user


@pytest.fixture
def headers(county):
    officer = make_user("input_town", Role.TOWN_OFFICER, county.town_a)
    _token, raw = api_token_create(actor=officer, user=officer, name="input")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/party/liaison-groups",
        "/api/v1/party/calls",
        "/api/v1/party/fee-grants",
        "/api/v1/campaigns/traces",
        "/api/v1/campaigns/materials",
        "/api/v1/command/incidents",
        "/api/v1/supplies/donations",
    ],
)
def test_a_page_number_past_the_bound_is_a_422_not_a_500(client, headers, url):
    response = client.get(f"{url}?page={10**30}", **headers)
    assert response.status_code == 422, response.content
    assert "page" in response.content.decode()
    assert client.get(f"{url}?page={MAX_PAGE}", **headers).status_code == 200


@pytest.mark.parametrize(
    "url, body",
    [
        ("/api/v1/party/members", {"name": "王五", "id_number": "", "organization": ""}),
        (
            "/api/v1/party/calls",
            {"organization": " ", "title": "t", "body": "b", "audience": "all"},
        ),
        (
            "/api/v1/party/fee-grants",
            {"grantor": "", "organization": "", "amount": "1", "purpose": "p"},
        ),
        ("/api/v1/party/teams", {"organization": "", "kind": "vanguard", "name": "n"}),
    ],
)
def test_an_empty_organization_is_a_422_naming_it(client, headers, url, body):
    response = client.post(url, body, content_type="application/json", **headers)
    assert response.status_code == 422, response.content
    text = response.content.decode()
    assert "organization" in text or "grantor" in text


@pytest.mark.parametrize("url", ["/api/v1/people/search", "/api/v1/party/members/search"])
def test_a_search_body_must_be_an_object(client, headers, url):
    response = client.post(url, [None, None], content_type="application/json", **headers)
    assert response.status_code == 422
    assert client.post(url, {}, content_type="application/json", **headers).status_code == 200


@pytest.mark.parametrize(
    "query",
    ["/api/v1/supplies/moves?until=0.5", "/api/v1/supplies/summary?as_of=1700000000"],
)
def test_a_date_time_must_be_iso_8601_not_a_number(client, headers, query):
    assert client.get(query, **headers).status_code == 422
    iso = query.split("=")[0] + "=2020-02-07T08:00:00%2B08:00"
    assert client.get(iso, **headers).status_code == 200


def test_a_date_time_with_an_offset_no_place_uses_is_a_422(client, headers):
    # PostgreSQL stores offsets up to ±15:59: this was a 500 there.
    bad = "/api/v1/supplies/moves?until=1200-07-26T08:34:42%2B21:46"
    assert client.get(bad, **headers).status_code == 422
    far_east = "/api/v1/supplies/moves?until=2020-02-07T08:00:00%2B14:00"
    assert client.get(far_east, **headers).status_code == 200
