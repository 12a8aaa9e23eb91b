"""Revealing an ID or phone number needs PII_REVEAL on the person, a reason, and is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from bastion.access.services import pii_reveal
from bastion.core.models import AuditEntry
from bastion.people.identity import reveal_id_number


def api_reveal(client, person, field="id_number", reason="核实返乡人员身份"):
    return client.post(
        f"/api/v1/people/{person.public_id}/reveal",
        {"field": field, "reason": reason},
        content_type="application/json",
    )


def test_grid_worker_reveals_id_number_and_it_is_audited_without_value(login, county):
    zhang = county.people["zhang"]
    client = login(county.gridworker)
    response = api_reveal(client, zhang)
    assert response.status_code == 200
    value = reveal_id_number(zhang)
    assert response.json() == {"value": value}
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.actor == county.gridworker
    assert entry.changes == {"field": "id_number"}
    assert entry.reason == "核实返乡人员身份"
    assert entry.path == zhang.path
    assert entry.object_id == str(zhang.public_id)
    assert value not in str(entry.__dict__)
    assert value[-8:] not in str(entry.__dict__)


def test_reveal_phone(login, county):
    client = login(county.gridworker)
    response = api_reveal(client, county.people["zhang"], field="phone")
    assert response.json() == {"value": "13812341234"}


@pytest.mark.parametrize("reason", ["", "  ", "核实"])
def test_reveal_needs_a_reason(login, county, reason):
    client = login(county.gridworker)
    response = api_reveal(client, county.people["zhang"], reason=reason)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert "查看原因" in body["fields"]["reason"][0]
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_unknown_field_is_a_validation_error(login, county):
    client = login(county.gridworker)
    response = api_reveal(client, county.people["zhang"], field="address")
    assert response.status_code == 422
    assert "field" in response.json()["fields"]


@pytest.mark.parametrize("persona", ["outsider", "volunteer", "orgdept", "nobody", "auditor"])
def test_reveal_without_permission_on_the_person_gets_404(login, county, persona):
    client = login(getattr(county, persona))
    assert api_reveal(client, county.people["zhang"]).status_code == 404
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_team_member_reveals_only_assigned_person(login, county):
    client = login(county.teammember)
    assert api_reveal(client, county.people["wang"]).status_code == 200
    assert api_reveal(client, county.people["zhang"]).status_code == 404


def test_service_refuses_out_of_scope_person(county):
    with pytest.raises(Http404):
        pii_reveal(
            actor=county.outsider,
            person=county.people["zhang"],
            field="phone",
            reason="核实身份信息",
        )
    with pytest.raises(ValidationError) as exc:
        pii_reveal(
            actor=county.gridworker, person=county.people["zhang"], field="phone", reason="看"
        )
    assert "reason" in exc.value.message_dict


# --- Web ------------------------------------------------------------------------------


def test_web_reveal_htmx_fragment(login, county):
    zhang = county.people["zhang"]
    client = login(county.gridworker)
    response = client.post(
        reverse("access:reveal", args=[zhang.public_id]),
        {"field": "phone", "reason": "电话回访核实"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "13812341234" in text
    assert "<html" not in text
    assert response["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(action="reveal", reason="电话回访核实").count() == 1


def test_web_reveal_full_page_and_form_errors(login, county):
    zhang = county.people["zhang"]
    client = login(county.gridworker)
    url = reverse("access:reveal", args=[zhang.public_id])
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert "查看原因" in form_page.content.decode()
    short = client.post(url, {"field": "phone", "reason": "看"})
    assert short.status_code == 200
    assert "13812341234" not in short.content.decode()
    assert not AuditEntry.objects.filter(action="reveal").exists()
    ok = client.post(url, {"field": "id_number", "reason": "办理核酸登记"})
    assert reveal_id_number(zhang) in ok.content.decode()
    assert "<html" in ok.content.decode()


def test_outsider_gets_404_on_reveal_page(login, county):
    client = login(county.outsider)
    url = reverse("access:reveal", args=[county.people["zhang"].public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"field": "phone", "reason": "核实身份信息"}).status_code == 404
