"""Alerts, service requests, policies, risk areas, monitoring counts and list import via the API."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bastion.core.idnumber import make_id_number
from bastion.monitoring.models import Alert, Observation, Policy, RiskArea, ServiceRequest
from bastion.monitoring.services.alerts import alert_raise
from bastion.monitoring.services.homeservice import service_request_create

BASE = "/api/v1/monitoring"


@pytest.fixture
def alert(observation, in_period):
    return alert_raise(
        observation=observation, kind="missed", local_date=in_period.date(), now=in_period
    )


@pytest.fixture
def service(county, observation):
    return service_request_create(
        actor=county.gridworker, observation=observation, kind="groceries", detail="米和油"
    )


def test_alerts_list_and_acknowledge_resolve(county, alert, doctor, login):
    client = login(doctor)
    items = client.get(f"{BASE}/alerts?open=true").json()["items"]
    assert [a["public_id"] for a in items] == [str(alert.public_id)]
    response = client.post(
        f"{BASE}/alerts/{alert.public_id}/acknowledge",
        {"note": "已电话联系"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["acknowledged_at"]
    response = client.post(
        f"{BASE}/alerts/{alert.public_id}/resolve",
        {"note": "已补随访"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert client.get(f"{BASE}/alerts?open=true").json()["count"] == 0
    assert client.get(f"{BASE}/alerts?open=false").json()["count"] == 1


def test_alert_list_query_count_is_pinned(
    county, observation, alert, login, django_assert_max_num_queries
):
    alert_raise(observation=observation, kind="fever", local_date=alert.local_date)
    client = login(county.command)
    client.get(f"{BASE}/alerts")
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}/alerts").json()["count"] == 2


def test_outsider_gets_404_for_alert_and_service(county, alert, service, login):
    client = login(county.outsider)
    assert client.get(f"{BASE}/alerts").json()["count"] == 0
    assert client.get(f"{BASE}/services").json()["count"] == 0
    for path, body in [
        (f"alerts/{alert.public_id}/acknowledge", {"note": "x"}),
        (f"alerts/{alert.public_id}/resolve", {"note": "x"}),
        (f"services/{service.public_id}/assign", {"user": "outsider"}),
        (f"services/{service.public_id}/status", {"status": "done"}),
        ("services", {"observation": str(service.observation.public_id), "kind": "medicine"}),
        (f"alerts/{uuid.uuid4()}/resolve", {"note": "x"}),
    ]:
        response = client.post(f"{BASE}/{path}", body, content_type="application/json")
        assert response.status_code == 404, path
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None


def test_service_request_lifecycle(
    county, observation, doctor, login, django_assert_max_num_queries
):
    client = login(county.gridworker)
    response = client.post(
        f"{BASE}/services",
        {"observation": str(observation.public_id), "kind": "medicine", "detail": "降压药"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    public_id = response.json()["public_id"]
    response = client.post(
        f"{BASE}/services/{public_id}/assign", {"user": "doctor"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["assigned_to"] == "doctor"
    response = client.post(
        f"{BASE}/services/{public_id}/status", {"status": "done"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}/services?status=done").json()["count"] == 1


def test_policies_listed_and_changed_by_command_only(county, policy, login):
    items = login(county.gridworker).get(f"{BASE}/policies").json()
    assert {"returnee", "close_contact"} <= {p["category"] for p in items}
    path = f"{BASE}/policies/{policy.public_id}"
    denied = login(county.gridworker).patch(
        path, {"retention_days": 10}, content_type="application/json"
    )
    assert denied.status_code == 403
    response = login(county.command).patch(
        path, {"retention_days": 10}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert Policy.objects.get(pk=policy.pk).retention_days == 10
    missing = login(county.command).patch(
        f"{BASE}/policies/{uuid.uuid4()}", {}, content_type="application/json"
    )
    assert missing.status_code == 404


def test_risk_areas_create_update(county, login):
    client = login(county.command)
    response = client.post(
        f"{BASE}/risk-areas",
        {"name": "湖北省武汉市", "code": "420100", "risky_from": "2020-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    public_id = response.json()["public_id"]
    response = client.patch(
        f"{BASE}/risk-areas/{public_id}",
        {"risky_until": "2020-04-08"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert RiskArea.objects.get(public_id=public_id).risky_until == dt.date(2020, 4, 8)
    assert len(client.get(f"{BASE}/risk-areas").json()) == 1
    denied = login(county.gridworker).post(
        f"{BASE}/risk-areas",
        {"name": "x", "risky_from": "2020-01-01"},
        content_type="application/json",
    )
    assert denied.status_code == 403


def test_monitor_counts_for_region(county, observation, login):
    response = login(county.command).get(f"{BASE}/monitor?region={county.county.code}")
    assert response.status_code == 200, response.content
    counts = response.json()["counts"]
    assert counts["totals"]["under"] == 1
    by_category = {c["category"]: c["counts"]["under"] for c in counts["by_category"]}
    assert by_category["returnee"] == 1


def test_outsider_gets_404_for_monitor_of_other_town(county, observation, login):
    client = login(county.outsider)
    assert client.get(f"{BASE}/monitor?region={county.town_a.code}").status_code == 404


def _list_csv(county) -> bytes:
    number = make_id_number("430121", dt.date(1991, 2, 3), 77)
    rows = [
        "姓名,身份证号,类别,来源地,到达日期,交通方式,车次/航班号,网格",
        f"周新,{number},返乡人员,湖北省武汉市,2026-11-28,火车,G1234,{county.grid_a1_1.code}",
        f"坏行,123,返乡人员,湖北省武汉市,2026-11-28,火车,G1234,{county.grid_a1_1.code}",
    ]
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_list_import_dry_run_then_commit(county, policy, login):
    client = login(county.gridworker)

    def upload(**fields):
        data = {"file": SimpleUploadedFile("list.csv", _list_csv(county), "text/csv"), **fields}
        return client.post(f"{BASE}/imports", data)

    response = upload()
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True and body["committed"] is False
    assert body["report"]["rejected"] == 1
    assert Observation.objects.count() == 0
    response = upload(dry_run="false", valid_rows="true")
    assert response.status_code == 200, response.content
    assert response.json()["committed"] is True
    assert Observation.objects.count() == 1


def test_unauthenticated_gets_401(client, observation):
    assert client.get(f"{BASE}/observations").status_code == 401
    assert ServiceRequest.objects.count() == 0
