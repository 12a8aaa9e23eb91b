"""Mobilization calls: recipients are every organization and member below the sender;
each one is seen, answered and acted on; counts and the response rate follow."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from bastion.party import services
from bastion.party.models import MobilizationRecipient
from bastion.party.selectors import mobilization_counts, recipient_of_member
from tests.mixins import api_post

API = "/api/v1/party"


def test_recipients_are_every_organization_and_member_below(world, party_tree):
    recipients = MobilizationRecipient.objects.filter(mobilization=world.call)
    orgs = set(
        recipients.filter(organization__isnull=False).values_list("organization__code", flat=True)
    )
    assert orgs == {"430121001", "430121002", "430121001001", "430121002201", "430121J01",
                    "430121001T01"}  # fmt: skip
    assert recipients.filter(member__isnull=False).count() == 3


def test_counts_and_rate_follow_the_responses(world, party_tree, county, login):
    org_recipient = MobilizationRecipient.objects.get(
        mobilization=world.call, organization=party_tree.town_a
    )
    client = login(party_tree.secretary_a)
    html = client.get(f"/party/calls/{world.call.public_id}/").content.decode()
    assert "星沙街道党工委" in html and "黄兴镇党委" not in html  # her recipients only
    org_recipient.refresh_from_db()
    assert org_recipient.seen_at is not None  # her own organization has now seen it
    response = client.post(
        f"/party/calls/{world.call.public_id}/respond/{org_recipient.key}/",
        {"answer": "已部署", "acted": "on", "action": "组织党员突击队", "people_count": "35"},
    )
    assert response.status_code == 302
    counts = mobilization_counts(user=party_tree.orgdept_tree, mobilization=world.call)
    assert (counts.recipients, counts.answered, counts.acted, counts.people) == (9, 1, 1, 35)
    assert counts.response_rate == round(100 / 9, 1)


def test_the_member_answers_on_the_phone_and_is_counted(world, party_tree):
    wang = party_tree.members["wang"]
    recipient = recipient_of_member(member=wang, mobilization=world.call)
    services.mobilization_respond(actor=world.wang_login, recipient=recipient, answer="马上到岗")
    recipient.refresh_from_db()
    assert recipient.state == "answered" and recipient.seen_at is not None


def test_nobody_answers_for_a_recipient_out_of_reach(world, party_tree):
    town_b = MobilizationRecipient.objects.get(
        mobilization=world.call, organization=party_tree.town_b
    )
    with pytest.raises(Http404):
        services.mobilization_respond(actor=party_tree.secretary_a, recipient=town_b, answer="x")


def test_acting_needs_a_description_and_a_closed_call_takes_no_more(world, party_tree):
    recipient = MobilizationRecipient.objects.get(
        mobilization=world.call, organization=party_tree.town_a
    )
    with pytest.raises(ValidationError):
        services.mobilization_respond(actor=party_tree.secretary_a, recipient=recipient, acted=True)
    services.mobilization_close(actor=party_tree.orgdept_tree, mobilization=world.call)
    with pytest.raises(ValidationError):
        services.mobilization_respond(
            actor=party_tree.secretary_a, recipient=recipient, answer="晚了"
        )


def test_sending_through_the_api_to_a_town(party_tree, login):
    client = login(party_tree.secretary_a)
    response = api_post(
        client,
        f"{API}/calls",
        {
            "organization": "430121001",
            "title": "街道党员到岗",
            "body": "请立即到岗",
            "audience": "members",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["counts"]["recipients"] == 1  # 王小明; 张建国 belongs to the organ
    bad = api_post(client, f"{API}/calls", {"organization": "430121002", "title": "x", "body": "x",
                                             "audience": "both"})  # fmt: skip
    assert bad.status_code == 422 and "organization" in bad.json()["fields"]


def test_a_call_with_nobody_below_is_refused(party_tree):
    with pytest.raises(ValidationError):
        services.mobilization_send(
            actor=None,
            organization=party_tree.branch_b1,
            title="x",
            body="x",
            audience="organizations",
        )


def test_party_outsider_sees_town_b_recipients_only_and_a_member_sees_her_call(
    world, party_tree, login
):
    items = (
        login(party_tree.secretary_b)
        .get(f"{API}/calls/{world.call.public_id}/recipients")
        .json()["items"]
    )
    assert {i["label"] for i in items} <= {"黄兴镇党委", "黄兴村党支部", "赵**"}
    me = login(world.wang_login)
    assert me.get(f"/party/me/calls/{world.call.public_id}/").status_code == 200
    assert "全县党员投身疫情防控" in me.get("/party/me/").content.decode()


def test_recipients_are_addressed_by_key_not_by_row_number(world, party_tree, login):
    client = login(party_tree.secretary_a)
    items = client.get(f"{API}/calls/{world.call.public_id}/recipients").json()["items"]
    keys = {i["key"] for i in items}
    assert f"o-{party_tree.town_a.public_id}" in keys and all("id" not in i for i in items)
    response = client.post(
        f"{API}/calls/{world.call.public_id}/recipients/o-{party_tree.town_a.public_id}/respond",
        data='{"answer": "收到"}',
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["state"] == "answered"
    bad = client.post(
        f"{API}/calls/{world.call.public_id}/recipients/o-{party_tree.town_b.public_id}/respond",
        data='{"answer": "x"}',
        content_type="application/json",
    )
    assert bad.status_code == 404
