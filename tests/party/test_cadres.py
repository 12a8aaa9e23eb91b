"""Cadre observations exist only for the organization department (Perm.CADRE_OBSERVE):
every page, file and endpoint answers 404 to everyone else, the county command and the
auditors included, and the audit trail names neither the cadre nor the note."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import timezone

from bastion.core.models import AuditEntry
from bastion.party import services
from bastion.party.models import CadreObservation
from bastion.party.selectors import cadre_observation_list
from tests.mixins import api_post
from tests.party.conftest import png_file

API = "/api/v1/party"
OUTSIDERS = ["command", "auditor", "town", "community", "outsider", "nobody", "volunteer"]


def _urls(observation, file_id) -> list[str]:
    return [
        "/party/cadres/",
        "/party/cadres/new/",
        f"/party/cadres/{observation.public_id}/",
        f"/party/cadres/{observation.public_id}/files/{file_id}/",
        f"{API}/cadre-observations",
        f"{API}/cadre-observations/{observation.public_id}",
    ]


@pytest.fixture
def observed(world, party_tree):
    return services.cadre_observation_record(
        actor=party_tree.orgdept_tree,
        unit=party_tree.town_a,
        cadre_name="黄观察",
        observed_on=timezone.localdate(),
        situation="隔离点管理",
        performance="作风扎实",
        rating="good",
        evidence=[png_file("现场.png")],
    )


def test_the_organization_department_reads_observations_and_evidence(county, observed, login):
    client = login(county.orgdept)
    evidence = observed.evidence.get()
    for url in _urls(observed, evidence.public_id):
        assert client.get(url).status_code == 200, url
    assert "黄观察" in client.get("/party/cadres/").content.decode()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_observations_are_invisible_outside_the_organization_department(
    county, observed, login, persona
):
    client = login(county.users[persona])
    evidence = observed.evidence.get()
    for url in _urls(observed, evidence.public_id):
        assert client.get(url).status_code in (401, 404), (persona, url)
    response = client.post(
        f"{API}/cadre-observations",
        {
            "unit": "430121001",
            "cadre_name": "x",
            "observed_on": "2020-02-01",
            "situation": "x",
            "performance": "x",
            "rating": "good",
        },  # fmt: skip
    )
    assert response.status_code == 404
    assert not cadre_observation_list(user=county.users[persona]).exists()


def test_org_officers_with_party_management_still_do_not_see_them(party_tree, observed, login):
    client = login(party_tree.secretary_a)
    assert client.get(f"/party/cadres/{observed.public_id}/").status_code == 404
    with pytest.raises(Http404):
        services.cadre_observation_record(
            actor=party_tree.secretary_a,
            unit=party_tree.town_a,
            cadre_name="x",
            observed_on=timezone.localdate(),
            situation="x",
            performance="x",
            rating="good",
        )


def test_the_tab_and_the_home_page_do_not_mention_them_to_others(county, world, login):
    html = login(county.command).get("/party/").content.decode()
    assert "干部观察" not in html and "陈观察" not in html
    assert "干部观察" in login(county.orgdept).get("/party/").content.decode()


def test_audit_entries_name_neither_the_cadre_nor_the_note(county, observed):
    entry = AuditEntry.objects.get(
        object_type="party.cadreobservation", object_id=str(observed.public_id)
    )
    text = f"{entry.object_repr} {entry.changes} {entry.reason}"
    assert "黄观察" not in text and "作风扎实" not in text and "隔离点" not in text


def test_recording_through_the_api_with_evidence(county, world, login):
    client = login(county.orgdept)
    response = client.post(
        f"{API}/cadre-observations",
        {
            "unit": "430121001",
            "cadre_name": "周一线",
            "observed_on": timezone.localdate().isoformat(),
            "situation": "卡口值守",
            "performance": "连续在岗",
            "rating": "outstanding",
            "group": str(world.group.public_id),
            "evidence": [png_file("a.png"), png_file("b.png")],
        },  # fmt: skip
    )
    assert response.status_code == 201, response.content
    assert response.json()["evidence"] == 2
    bad = api_post(client, f"{API}/cadre-observations", {})
    assert bad.status_code == 422
    assert CadreObservation.objects.filter(cadre_name="周一线").count() == 1
