"""The database out of reach answers 503 with Retry-After (pages and API), never 500."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client

from tests.mixins import api_login_client


def _fail_session_loads(monkeypatch, exc):
    from django.contrib.sessions.backends.db import SessionStore

    def refuse(self):
        raise exc

    monkeypatch.setattr(SessionStore, "load", refuse)


@pytest.fixture
def signed_in(county):
    return api_login_client(Client(raise_request_exception=False), county.gridworker)


@pytest.fixture
def database_away(signed_in, monkeypatch):
    """Every session load fails as it does while PostgreSQL restarts."""
    _fail_session_loads(monkeypatch, OperationalError("connection refused"))
    return signed_in


def test_api_answers_503_with_retry_after_in_json(database_away):
    response = database_away.get("/api/v1/me")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "service_unavailable"
    assert "稍后重试" in response.json()["message"]


def test_pages_answer_503_with_a_page_that_says_nothing_was_saved(database_away):
    response = database_away.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "没有保存" in response.content.decode()


def test_other_errors_stay_500(signed_in, monkeypatch):
    _fail_session_loads(monkeypatch, RuntimeError("a bug"))
    assert signed_in.get("/").status_code == 500
