"""Bad input never crashes (issue 6): huge page numbers, oversized bodies (413), lone
surrogates. (Follow-ups without a temperature and future arrival dates:
tests/monitoring/test_input_rules.py.)"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bastion.core.idnumber import make_id_number
from bastion.people.models import Person
from tests.conftest import PASSWORD

HUGE = "9" * 30


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/people",
        "/api/v1/regions",
        "/api/v1/notifications",
        "/api/v1/monitoring/observations",
        "/api/v1/monitoring/alerts",
        "/api/v1/users",
    ],
)
def test_a_huge_page_number_is_a_422_not_a_500(county, login, url):
    response = login(county.community).get(url, {"page": HUGE})
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"


@pytest.mark.parametrize(
    "url", ["/people/", "/monitoring/observations/", "/inbox/", "/manage/users/"]
)
def test_a_huge_page_number_on_a_page_shows_the_last_page(county, login, url):
    assert login(county.community).get(url, {"page": HUGE}).status_code == 200


def test_an_oversized_json_body_is_413(county, login, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = login(county.gridworker).post(
        "/api/v1/people/search", json.dumps({"q": "x" * 10_000}), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_an_oversized_form_post_is_413(county, login, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = login(county.gridworker).post("/people/", {"q": "x" * 10_000})
    assert response.status_code == 413


def test_an_oversized_login_is_413_before_any_password_check(client, county, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = client.post("/login/", {"username": "gridworker", "password": "x" * 10_000})
    assert response.status_code == 413


def test_a_lone_surrogate_in_a_name_is_a_422_and_writes_nothing(county, login):
    number = make_id_number("430121", dt.date(1990, 9, 9), 51)
    body = json.dumps({"name": "@张", "id_number": number, "grid": county.grid_a1_1.code})
    body = body.replace("@", "\\ud800")  # a lone surrogate, as JSON text allows
    response = login(county.gridworker).post(
        "/api/v1/people", body, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert not Person.objects.filter(birth_date=dt.date(1990, 9, 9)).exists()


def test_a_lone_surrogate_in_a_query_string_is_harmless(county, login):
    assert login(county.gridworker).get("/api/v1/people?q=%ED%A0%80").status_code in (200, 422)
    assert login(county.gridworker).get("/people/?q=%ED%A0%80").status_code == 200


def test_a_password_is_never_echoed_in_a_413(client, county, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64
    response = client.post("/login/", {"username": "gridworker", "password": PASSWORD * 20})
    assert PASSWORD not in response.content.decode()
