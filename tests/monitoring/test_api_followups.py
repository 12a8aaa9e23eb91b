"""Follow-ups through the API: record, list, correct, and idempotent retries from a phone."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from freezegun import freeze_time

from bastion.access.services import api_token_create
from bastion.monitoring.models import Alert, FollowUp

BASE = "/api/v1/monitoring"


@pytest.fixture
def frozen(in_period):
    with freeze_time(in_period):
        yield in_period


@pytest.fixture
def phone(county, frozen):
    """A grid worker's phone: bearer token, no session."""
    _token, raw = api_token_create(actor=county.gridworker, user=county.gridworker, name="phone")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client, path, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_record_followup_and_list(county, observation, phone):
    path = f"{BASE}/observations/{observation.public_id}/followups"
    response = post(phone, path, {"temperature": "36.6", "symptoms": []})
    assert response.status_code == 201, response.content
    assert response.json()["ref"] == "1" and response.json()["recorded_by"] == "gridworker"
    listed = phone.get(path).json()
    assert [f["ref"] for f in listed] == ["1"]


def test_phone_retry_never_creates_a_second_followup(county, observation, phone):
    path = f"{BASE}/observations/{observation.public_id}/followups"
    key = str(uuid.uuid4())
    body = {"temperature": "36.8", "symptoms": [], "observed_at": "2026-03-05T09:30:00+08:00"}
    first = post(phone, path, body, key)
    again = post(phone, path, body, key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replay"] == "true"
    assert FollowUp.objects.filter(observation=observation).count() == 1


def test_same_key_different_body_is_409(county, observation, phone):
    path = f"{BASE}/observations/{observation.public_id}/followups"
    key = str(uuid.uuid4())
    assert post(phone, path, {"temperature": "36.8"}, key).status_code == 201
    conflict = post(phone, path, {"temperature": "37.9"}, key)
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency_conflict"
    assert FollowUp.objects.filter(observation=observation).count() == 1


def test_fever_raises_alert(county, observation, phone):
    path = f"{BASE}/observations/{observation.public_id}/followups"
    response = post(phone, path, {"temperature": "37.3", "symptoms": ["cough"]})
    assert response.status_code == 201
    assert response.json()["abnormal"] is True
    assert Alert.objects.filter(observation=observation, kind="fever").exists()


def test_correction_points_at_the_entry(county, observation, phone):
    path = f"{BASE}/observations/{observation.public_id}/followups"
    post(phone, path, {"temperature": "38.5"})
    response = post(phone, f"{path}/1/correct", {"temperature": "36.5", "note": "录入错误"})
    assert response.status_code == 201, response.content
    assert response.json()["corrects"] == "1" and response.json()["ref"] == "2"
    assert post(phone, f"{path}/9/correct", {"temperature": "36.5"}).status_code == 404


def test_bad_temperature_is_422(county, observation, phone):
    path = f"{BASE}/observations/{observation.public_id}/followups"
    response = post(phone, path, {"temperature": "52"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_outsider_gets_404_for_followups(county, observation, login, frozen):
    client = login(county.outsider)
    path = f"{BASE}/observations/{observation.public_id}/followups"
    assert client.get(path).status_code == 404
    assert post(client, path, {"temperature": "36.5"}, str(uuid.uuid4())).status_code == 404
    assert FollowUp.objects.count() == 0


def test_followup_list_query_count_is_pinned(
    county, observation, phone, django_assert_max_num_queries
):
    path = f"{BASE}/observations/{observation.public_id}/followups"
    for temperature in ("36.5", "36.6", "36.7"):
        post(phone, path, {"temperature": temperature})
    phone.get(path)
    with django_assert_max_num_queries(6):
        assert len(phone.get(path).json()) == 3
