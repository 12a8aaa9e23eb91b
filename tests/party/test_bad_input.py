"""Bad input never crashes and never half-writes: malformed bodies, paths and queries get
JSON errors (or the page again with the errors), and nothing is written."""

from __future__ import annotations

import json

import pytest

from bastion.core.models import AuditEntry
from bastion.party.models import (
    Exemplar,
    FeeEntry,
    Mobilization,
    Organization,
    PartyMember,
    Team,
)

API = "/api/v1/party"
BAD_VALUES = [None, 1, [], {}, "x" * 20_000, "\x00", "🙂" * 50, True, "-1", "2020-13-45"]


def _counts():
    return tuple(
        m.objects.count()
        for m in (Organization, PartyMember, Team, Mobilization, FeeEntry, Exemplar)
    )


@pytest.mark.parametrize("value", BAD_VALUES, ids=range(len(BAD_VALUES)))
def test_malformed_bodies_get_json_errors_and_write_nothing(
    county, party_tree, world, login, value
):
    client = login(party_tree.orgdept_tree)
    town_a = party_tree.town_a.public_id
    targets = [
        ("post", f"{API}/organizations", {"parent": value, "code": value, "name": value,
                                           "tier": "branch", "sector": "other"}),
        ("post", f"{API}/organizations", {"parent": str(town_a), "code": "OK1", "name": value,
                                           "tier": value, "sector": value, "region": value}),
        ("patch", f"{API}/organizations/{town_a}", {"name": value, "opened_on": value}),
        ("post", f"{API}/organizations/{town_a}/target", {"target": value}),
        ("post", f"{API}/members", {"name": value, "id_number": value, "organization": value}),
        ("post", f"{API}/members/search", {"q": value}),
        ("post", f"{API}/teams", {"organization": "430121001", "kind": value, "name": value}),
        ("post", f"{API}/calls", {"organization": "430121001", "title": value, "body": value,
                                  "audience": value}),
        ("post", f"{API}/fee-grants", {"grantor": "430121", "organization": "430121001",
                                       "amount": value, "purpose": value}),
        ("post", f"{API}/fee-grants/{world.grant.public_id}/expenses", {"amount": value}),
        ("post", f"{API}/registrations/{world.registration.public_id}/renew", {"valid_until": value}),
        ("post", f"{API}/exemplars/{world.nominated.public_id}/review", {"approve": value, "note": value}),
    ]  # fmt: skip
    before = _counts()
    for method, url, body in targets:
        response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
        assert response.status_code < 500, (url, body, response.content[:300])
        assert response["Content-Type"].startswith("application/json"), url
    assert _counts() == before


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/organizations/not-a-uuid",
        f"{API}/members?page=abc",
        f"{API}/organizations?parent=zz",
        f"{API}/members/00000000-0000-4000-8000-000000000000/service-card?year=2020&quarter=9",
        f"{API}/calls/00000000-0000-4000-8000-000000000000/recipients?state=zz",
    ],
)
def test_malformed_paths_and_queries_get_json_errors(party_tree, login, url):
    response = login(party_tree.orgdept_tree).get(url)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "url",
    [
        "/party/organizations/?tier=zzz&sector=" + "x" * 500,
        "/party/members/?organization=nope",
        "/party/registrations/?state=zz&page=abc",
        "/party/teams/?kind=zz",
        "/party/exemplars/?status=zz",
        "/party/?as_of=2020-99-99",
    ],
)
def test_malformed_page_queries_do_not_crash(party_tree, world, login, url):
    assert login(party_tree.orgdept_tree).get(url).status_code in (200, 404)


def test_service_card_with_a_bad_quarter_falls_back_to_this_quarter(party_tree, login):
    zhang = party_tree.members["zhang"]
    response = login(party_tree.orgdept_tree).get(
        f"/party/members/{zhang.public_id}/card/", {"year": "abc", "quarter": "9"}
    )
    assert response.status_code == 200


def test_a_refused_page_form_writes_nothing_and_no_audit(party_tree, login):
    client = login(party_tree.secretary_a)
    before = (_counts(), AuditEntry.objects.count())
    response = client.post(
        "/party/calls/new/", {"organization": "430121002", "title": "", "body": "", "audience": "x"}
    )
    assert response.status_code == 422
    assert (_counts(), AuditEntry.objects.count()) == before
