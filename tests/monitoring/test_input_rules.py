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

    client = login(county.gridworker)
    client.get("/api/v1/me")  # load the URLs (and the API's schemas) before time is frozen
    with freeze_time(in_period):
        response = client.post(
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

    client = login(county.gridworker)
    client.get("/api/v1/me")  # load the URLs (and the API's schemas) before time is frozen
    with freeze_time(in_period):
        response = client.post(
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


# --- full-width digits in forms and the API ----------------------------------------------


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_the_register_form_normalizes_full_width_id_and_phone(county, policy, login):
    from bastion.core.idnumber import make_id_number
    from bastion.people.identity import id_number_index, reveal_phone
    from bastion.people.models import Person

    number = make_id_number("430121", dt.date(1986, 6, 6), 61)
    response = login(county.gridworker).post(
        "/monitoring/observations/new/",
        {
            "policy": "returnee",
            "origin": "武汉",
            "arrived_on": "2026-03-01",
            "name": "全角",
            "id_number": _full_width(number),
            "phone": _full_width("13700007777"),
            "grid": county.grid_a1_1.code,
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    person = Person.objects.get(id_number_index=id_number_index(number))
    assert reveal_phone(person) == "13700007777"


def test_the_people_api_normalizes_full_width_id_and_merges(county, login):
    from bastion.people.identity import reveal_id_number

    zhang = county.people["zhang"]
    response = login(county.gridworker).post(
        "/api/v1/people",
        json.dumps(
            {
                "name": "张建国",
                "id_number": _full_width(reveal_id_number(zhang)),
                "grid": county.grid_a1_1.code,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["created"] is False
    assert response.json()["person"]["public_id"] == str(zhang.public_id)
