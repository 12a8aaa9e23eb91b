"""Input rules of key-population control that used to slip (issue 6): a follow-up
"seen" without a temperature is refused as the guide says, on every path; arrival
dates in the future are refused everywhere."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from bastion.monitoring.models import Arrival, FollowUp, Observation

# --- follow-ups: "seen" needs a temperature (as the guide says), on every path ------------


def test_api_follow_up_seen_without_temperature_is_refused(county, observation, login, in_period):
    from freezegun import freeze_time

    with freeze_time(in_period):
        response = login(county.gridworker).post(
            f"/api/v1/monitoring/observations/{observation.public_id}/followups",
            json.dumps({"contact": "seen", "symptoms": []}),
            content_type="application/json",
        )
    assert response.status_code == 422, response.content
    assert "temperature" in response.json()["fields"]
    assert not FollowUp.objects.exists()


def test_api_follow_up_not_seen_without_temperature_is_recorded(
    county, observation, login, in_period
):
    from freezegun import freeze_time

    with freeze_time(in_period):
        response = login(county.gridworker).post(
            f"/api/v1/monitoring/observations/{observation.public_id}/followups",
            json.dumps({"contact": "unreachable", "note": "电话无人接"}),
            content_type="application/json",
        )
    assert response.status_code == 201, response.content


def test_the_service_refuses_seen_without_temperature(county, observation, in_period):
    from django.core.exceptions import ValidationError

    from bastion.monitoring.services.followups import followup_record

    with pytest.raises(ValidationError) as refused:
        followup_record(
            actor=county.gridworker,
            observation=observation,
            observed_at=in_period,
            temperature="",
            symptoms=["cough"],
            at_home=True,
            now=in_period,
        )
    assert "temperature" in refused.value.message_dict


# --- future arrival dates ----------------------------------------------------------------


def _tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def test_api_registration_with_a_future_arrival_is_refused(county, policy, login):
    response = login(county.gridworker).post(
        "/api/v1/monitoring/observations",
        json.dumps(
            {
                "category": "returnee",
                "origin": "湖北武汉",
                "arrived_on": _tomorrow(),
                "person": str(county.people["zhang"].public_id),
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "arrived_on" in response.json()["fields"]
    assert not Observation.objects.exists() and not Arrival.objects.exists()


def test_web_registration_with_a_future_arrival_is_refused(county, policy, login):
    response = login(county.gridworker).post(
        f"/monitoring/observations/new/?person={county.people['zhang'].public_id}",
        {"policy": "returnee", "origin": "武汉", "arrived_on": _tomorrow()},
    )
    assert response.status_code == 422
    assert "到达日期不能晚于今天" in response.content.decode()
    assert not Observation.objects.exists()


def test_arrival_form_with_a_future_date_is_refused(county, login):
    response = login(county.gridworker).post(
        f"/monitoring/arrivals/new/{county.people['zhang'].public_id}/",
        {"origin": "武汉", "arrived_on": _tomorrow()},
    )
    assert response.status_code == 422 and not Arrival.objects.exists()
