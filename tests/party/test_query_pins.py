"""Query counts of the party list pages and list endpoints are pinned: a list of many
records costs what a list of one does (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bastion.party import services
from bastion.party.models import CallAudience, TeamKind
from tests.conftest import make_person

API = "/api/v1/party"

PAGES = [
    ("/party/organizations/", 14),
    ("/party/organizations/?q=党", 14),
    ("/party/members/", 14),
    ("/party/registrations/", 14),
    ("/party/teams/", 14),
    ("/party/zones/", 14),
    ("/party/zones/?show=posts", 14),
    ("/party/liaison/", 14),
    ("/party/calls/", 14),
    ("/party/fees/", 14),
    ("/party/exemplars/", 14),
    ("/public/party/", 12),  # rate counter and session included
]
ENDPOINTS = [
    ("organizations", 8),
    ("members", 8),
    ("registrations", 8),
    ("teams", 8),
    ("zones", 8),
    ("posts", 8),
    ("liaison-groups", 10),
    ("cadre-observations", 9),
    ("calls", 8),
    ("fee-grants", 8),
    ("exemplars", 8),
]


@pytest.fixture
def more(world, county, party_tree):
    """Five more of everything, so a query per row would show."""
    today = timezone.localdate()
    for n in range(5):
        person = make_person(county.grid_a1_1, f"党员{n}")
        member = services.member_enroll(
            actor=None, person=person, organization=party_tree.branch_a1, is_employed=True
        )
        registration = services.registration_submit(
            actor=None, member=member, community=county.community_a1, channel="offline"
        )
        services.registration_decide(actor=None, registration=registration, confirm=True)
        team = services.team_create(
            actor=None, organization=party_tree.town_a, kind=TeamKind.VANGUARD, name=f"队{n}",
            leader=member,
        )  # fmt: skip
        services.team_member_add(actor=None, team=team, person=person)
        services.zone_create(
            actor=None, organization=party_tree.branch_a1, member=member, name=f"区{n}"
        )
        services.post_create(
            actor=None, organization=party_tree.town_a, member=member, name=f"岗{n}"
        )
        services.liaison_group_create(
            actor=None, organization=party_tree.root, number=n + 2, name=f"组{n}"
        )
        services.mobilization_send(
            actor=None, organization=party_tree.town_a, title=f"号召{n}", body="x",
            audience=CallAudience.BOTH, notify_logins=False,
        )  # fmt: skip
        grant = services.fee_grant_create(
            actor=None, grantor=party_tree.root, organization=party_tree.branch_a1, amount="100",
            purpose=f"用途{n}",
        )  # fmt: skip
        services.fee_expense_record(
            actor=None, grant=grant, amount="10", spent_on=today, description="x"
        )
        exemplar = services.exemplar_nominate(
            actor=None, nominating_org=party_tree.town_a, kind="person", member=member,
            title=f"典型{n}", deed="在卡口连续值守十余天，带动党员群众共同参与疫情防控工作。",
        )  # fmt: skip
        services.exemplar_review(actor=None, exemplar=exemplar, approve=True)
        services.exemplar_publish(actor=None, exemplar=exemplar)
        services.cadre_observation_record(
            actor=None, unit=party_tree.town_a, cadre_name=f"干部{n}", observed_on=today,
            situation="x", performance="x", rating="good",
        )  # fmt: skip


@pytest.mark.parametrize(("url", "budget"), PAGES)
def test_list_page_query_count_is_pinned(county, party_tree, more, login, url, budget,
                                         django_assert_max_num_queries):  # fmt: skip
    client = login(county.orgdept)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(("path", "budget"), ENDPOINTS)
def test_list_endpoint_query_count_is_pinned(county, more, login, path, budget,
                                             django_assert_max_num_queries):  # fmt: skip
    client = login(county.orgdept)
    with django_assert_max_num_queries(budget):
        response = client.get(f"{API}/{path}")
    assert response.status_code == 200
    assert len(response.json()["items"]) >= 1


def test_a_call_recipient_page_does_not_grow_with_recipients(
    county, party_tree, world, more, login
):
    client = login(county.orgdept)
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/party/calls/{world.call.public_id}/")
    assert len(ctx.captured_queries) <= 16
