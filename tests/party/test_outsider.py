"""Every party page and endpoint answers 404 to the outsider (a grid worker of the
neighbouring town) and to a login without roles; the persona who owns the records gets
200 on the same pages (so the 404s are about scope, not broken pages)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bastion.access.models import RoleAssignment
from bastion.access.roles import Role

API = "/api/v1/party"


def page_urls(w, t) -> list[str]:
    zhang = t.members["zhang"].public_id
    return [
        "/party/",
        "/party/organizations/",
        f"/party/organizations/{t.town_a.public_id}/",
        f"/party/organizations/{t.town_a.public_id}/new/",
        f"/party/organizations/{t.town_a.public_id}/edit/",
        f"/party/organizations/{t.temporary.public_id}/close/",
        f"/party/organizations/{t.temporary.public_id}/second/",
        f"/party/organizations/{t.town_a.public_id}/officers/",
        f"/party/organizations/{t.town_a.public_id}/cards/",
        "/party/members/",
        "/party/members/new/",
        "/party/members/import/",
        f"/party/members/{zhang}/",
        f"/party/members/{zhang}/edit/",
        f"/party/members/{zhang}/transfer/",
        f"/party/members/{zhang}/account/",
        f"/party/members/{zhang}/card/",
        f"/party/members/{zhang}/service/",
        "/party/registrations/",
        "/party/registrations/new/",
        f"/party/registrations/{w.registration.public_id}/",
        f"/party/registrations/{w.registration.public_id}/withdraw/",
        "/party/me/",
        "/party/me/register/",
        f"/party/me/calls/{w.call.public_id}/",
        "/party/teams/",
        "/party/teams/new/",
        f"/party/teams/{w.team.public_id}/",
        f"/party/teams/{w.team.public_id}/edit/",
        f"/party/teams/{w.team.public_id}/disband/",
        "/party/zones/",
        "/party/zones/new/",
        "/party/posts/new/",
        f"/party/zones/{w.zone.public_id}/",
        f"/party/posts/{w.post.public_id}/",
        "/party/liaison/",
        "/party/liaison/new/",
        f"/party/liaison/{w.group.public_id}/",
        f"/party/liaison/{w.group.public_id}/visit/",
        f"/party/visits/{w.visit.public_id}/",
        "/party/cadres/",
        f"/party/cadres/{w.observation.public_id}/",
        "/party/calls/",
        "/party/calls/new/",
        f"/party/calls/{w.call.public_id}/",
        "/party/fees/",
        "/party/fees/new/",
        f"/party/fees/{w.grant.public_id}/",
        f"/party/fees/entries/{w.expense.public_id}/reverse/",
        "/party/exemplars/",
        "/party/exemplars/new/",
        f"/party/exemplars/{w.nominated.public_id}/",
        f"/party/exemplars/{w.nominated.public_id}/edit/",
    ]


def api_urls(w, t) -> list[str]:
    zhang = t.members["zhang"].public_id
    return [
        f"{API}/organizations/{t.town_a.public_id}",
        f"{API}/organizations/{t.town_a.public_id}/registration-rate",
        f"{API}/organizations/{t.town_a.public_id}/service-cards?year=2026&quarter=1",
        f"{API}/organizations/{t.temporary.public_id}/secondments",
        f"{API}/organizations/{t.town_a.public_id}/officers",
        f"{API}/members/{zhang}",
        f"{API}/members/{zhang}/service-card?year=2026&quarter=1",
        f"{API}/registrations/{w.registration.public_id}",
        f"{API}/me",
        f"{API}/teams/{w.team.public_id}",
        f"{API}/zones/{w.zone.public_id}",
        f"{API}/posts/{w.post.public_id}",
        f"{API}/liaison-groups/{w.group.public_id}",
        f"{API}/liaison-groups/{w.group.public_id}/visits",
        f"{API}/cadre-observations",
        f"{API}/cadre-observations/{w.observation.public_id}",
        f"{API}/calls/{w.call.public_id}",
        f"{API}/calls/{w.call.public_id}/recipients",
        f"{API}/fee-grants/{w.grant.public_id}",
        f"{API}/exemplars/{w.nominated.public_id}",
    ]


def api_writes(w, t) -> list[tuple[str, dict]]:
    zhang = str(t.members["zhang"].public_id)
    today = timezone.localdate().isoformat()
    return [
        (f"{API}/organizations", {"parent": str(t.town_a.public_id), "code": "Z1", "name": "z",
                                  "tier": "branch", "sector": "other"}),
        (f"{API}/organizations/{t.temporary.public_id}/close", {"closed_on": today}),
        (f"{API}/organizations/{t.town_a.public_id}/target", {"target": 50}),
        (f"{API}/organizations/{t.temporary.public_id}/secondments", {"member": zhang}),
        (f"{API}/organizations/{t.town_a.public_id}/officers", {"username": "outsider"}),
        (f"{API}/members/{zhang}/transfer", {"to": "430121002", "on": today}),
        (f"{API}/members/{zhang}/account", {"username": "zz"}),
        (f"{API}/members/{zhang}/service-entries", {"community": "430121001001", "served_on": today,
                                                    "hours": "1", "description": "x"}),
        (f"{API}/registrations/{w.registration.public_id}/decide", {"confirm": False}),
        (f"{API}/registrations/{w.registration.public_id}/renew", {}),
        (f"{API}/registrations/{w.registration.public_id}/withdraw", {}),
        (f"{API}/me/registration", {"community": "430121001001"}),
        (f"{API}/teams/{w.team.public_id}/members", {"member": zhang}),
        (f"{API}/teams/{w.team.public_id}/disband", {"on": today}),
        (f"{API}/zones/{w.zone.public_id}/end", {"ended_on": today}),
        (f"{API}/liaison-groups/{w.group.public_id}/units", {"unit": "430121002"}),
        (f"{API}/calls/{w.call.public_id}/close", {}),
        (f"{API}/fee-grants/{w.grant.public_id}/adjust", {"delta": "1", "reason": "x"}),
        (f"{API}/fee-entries/{w.expense.public_id}/reverse", {"reason": "xx"}),
        (f"{API}/exemplars/{w.nominated.public_id}/review", {"approve": True}),
        (f"{API}/exemplars/{w.approved.public_id}/publish", {}),
    ]  # fmt: skip


@pytest.mark.parametrize("persona", ["outsider", "nobody"])
def test_every_party_page_is_404_for_the_outsider(county, party_tree, world, login, persona):
    client = login(county.users[persona])
    wrong = [(url, code) for url in page_urls(world, party_tree)
             if (code := client.get(url).status_code) != 404]  # fmt: skip
    assert wrong == []


def test_the_org_department_opens_every_page(county, party_tree, world, login):
    RoleAssignment.objects.create(
        user=party_tree.orgdept_tree, role=Role.ORG_DEPARTMENT, region=county.county,
        region_path=county.county.path, org_path="",
    )  # fmt: skip
    client = login(party_tree.orgdept_tree)
    urls = [u for u in page_urls(world, party_tree) if not u.startswith("/party/me/")]
    wrong = [(url, code) for url in urls if (code := client.get(url).status_code) != 200]
    assert wrong == []
    me = login(world.wang_login)
    assert me.get("/party/me/").status_code == 200
    assert me.get(f"/party/me/calls/{world.call.public_id}/").status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "nobody"])
def test_every_party_endpoint_is_404_for_the_outsider(county, party_tree, world, login, persona):
    client = login(county.users[persona])
    wrong = [(u, c) for u in api_urls(world, party_tree) if (c := client.get(u).status_code) != 404]
    for url, body in api_writes(world, party_tree):
        response = client.post(url, data=body, content_type="application/json")
        if response.status_code != 404:
            wrong.append((url, response.status_code))
    assert wrong == []


def test_party_outsider_secretary_gets_404_on_town_a_records(party_tree, world, login):
    client = login(party_tree.secretary_b)
    for url in page_urls(world, party_tree)[2:9] + api_urls(world, party_tree)[:8]:
        if "/me" in url:
            continue
        assert client.get(url).status_code == 404, url


def test_lists_are_empty_for_the_outsider(county, world, login):
    client = login(county.outsider)
    for path in ["organizations", "members", "registrations", "teams", "zones", "posts",
                 "liaison-groups", "calls", "fee-grants", "exemplars"]:  # fmt: skip
        response = client.get(f"{API}/{path}")
        assert response.status_code == 200 and response.json()["items"] == [], path


def test_anonymous_callers_get_401_from_the_api_and_the_login_page_from_pages(client, world):
    assert client.get(f"{API}/organizations").status_code == 401
    response = client.get("/party/organizations/")
    assert response.status_code == 302 and "/login/" in response["Location"]
