"""The party pages in English: the app's own catalogue (src/bastion/party/locale)."""

from __future__ import annotations

import re

from django.conf import settings

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_party_pages_switch_to_english(county, party_tree, world, login):
    client = _english(login(party_tree.orgdept_tree))
    home = client.get("/party/").content.decode()
    assert "Party work at a glance" in home and "Organizations and members" in home
    detail = client.get(f"/party/organizations/{party_tree.town_a.public_id}/").content.decode()
    assert "Employed members registered at communities" in detail
    fees = client.get(f"/party/fees/{world.grant.public_id}/").content.decode()
    assert "The ledger is never changed" in fees and "Record an expense" in fees


def test_member_pages_and_service_messages_in_english(county, party_tree, world, login):
    client = _english(login(world.wang_login))
    page = client.get("/party/me/register/").content.decode()
    assert "Register at your home community" in page and "Send the registration" in page
    response = client.post("/party/me/register/", {"community": ""})
    assert response.status_code == 422


def test_api_errors_come_in_english_too(county, party_tree, world, login):
    client = _english(login(party_tree.secretary_a))
    response = client.post(
        f"/api/v1/party/fee-grants/{world.grant.public_id}/expenses",
        {"amount": "-5", "spent_on": "2020-02-03", "description": "x"},
    )
    message = response.json()["fields"]["amount"][0]
    assert message == "The amount must be more than 0" and not CHINESE.search(message)
