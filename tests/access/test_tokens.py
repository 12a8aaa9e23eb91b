"""Personal API tokens: creation shows the key once, bearer auth, revocation, expiry."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from bastion.access.models import ApiToken
from bastion.access.services import api_token_create, api_token_revoke
from bastion.core.models import AuditEntry
from tests.access.conftest import bearer


def test_token_key_is_shown_once_and_only_its_hash_is_stored(county):
    token, raw = api_token_create(actor=county.gridworker, user=county.gridworker, name="phone")
    assert raw.startswith("bst_")
    assert len(raw) > 40
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=token.pk).values()[0]
    assert raw not in str(stored)
    assert AuditEntry.objects.filter(action="grant", object_id=str(token.public_id)).exists()


def test_valid_token_authenticates(client, county, token_for):
    response = client.get("/api/v1/me", **bearer(token_for(county.gridworker)))
    assert response.status_code == 200
    assert response.json()["username"] == "gridworker"


@pytest.mark.parametrize(
    "header",
    ["Bearer bst_not-a-real-key", "Bearer something-else", "Bearer ", "Token bst_x"],
)
def test_wrong_token_is_refused(client, county, header):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_revoked_token_is_refused(client, county):
    token, raw = api_token_create(actor=county.gridworker, user=county.gridworker, name="x")
    api_token_revoke(actor=county.gridworker, token=token)
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_expired_token_is_refused(client, county):
    with freeze_time("2024-02-01 08:00:00"):
        _token, raw = api_token_create(
            actor=county.gridworker,
            user=county.gridworker,
            name="x",
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
        assert client.get("/api/v1/me", **bearer(raw)).status_code == 200
    with freeze_time("2024-02-02 08:00:01"):
        assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_inactive_user_token_is_refused(client, county, token_for):
    raw = token_for(county.gridworker)
    county.gridworker.is_active = False
    county.gridworker.save()
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_bad_token_is_not_rescued_by_a_session(login, county):
    client = login(county.gridworker)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer bst_wrong")
    assert response.status_code == 401


def test_last_used_is_written_at_most_once_a_minute(client, county):
    token, raw = api_token_create(actor=county.gridworker, user=county.gridworker, name="x")
    with freeze_time("2024-02-01 08:00:00") as frozen:
        client.get("/api/v1/me", **bearer(raw))
        token.refresh_from_db()
        first = token.last_used_at
        assert first == timezone.now()
        frozen.tick(dt.timedelta(seconds=30))
        client.get("/api/v1/me", **bearer(raw))
        token.refresh_from_db()
        assert token.last_used_at == first
        frozen.tick(dt.timedelta(seconds=31))
        client.get("/api/v1/me", **bearer(raw))
        token.refresh_from_db()
        assert token.last_used_at > first


def test_token_post_needs_no_csrf(county, token_for):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/people/search",
        {"q": "张"},
        content_type="application/json",
        **bearer(token_for(county.gridworker)),
    )
    assert response.status_code == 200


def test_session_post_needs_csrf(county):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(county.gridworker)
    response = client.post("/api/v1/tokens", {"name": "ci"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


# --- API endpoints --------------------------------------------------------------------


def test_api_token_lifecycle(login, county):
    client = login(county.gridworker)
    created = client.post("/api/v1/tokens", {"name": "手机"}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["key"].startswith("bst_")
    listing = client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listing] == ["手机"]
    assert "key" not in listing[0] and "key_hash" not in listing[0]
    public_id = body["token"]["public_id"]
    assert client.delete(f"/api/v1/tokens/{public_id}").status_code == 204
    assert client.get("/api/v1/me", **bearer(body["key"])).status_code == 401


def test_outsider_gets_404_for_someone_elses_token(login, county, token_for):
    token, _raw = api_token_create(actor=county.gridworker, user=county.gridworker, name="x")
    client = login(county.outsider)
    assert client.delete(f"/api/v1/tokens/{token.public_id}").status_code == 404
    assert client.get(reverse("access:token_revoke", args=[token.public_id])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_list_query_count(login, county, django_assert_max_num_queries):
    for i in range(5):
        api_token_create(actor=county.gridworker, user=county.gridworker, name=f"t{i}")
    client = login(county.gridworker)
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/tokens").json()) == 5


# --- Web pages ------------------------------------------------------------------------


def test_token_page_shows_new_key_once(login, county):
    client = login(county.gridworker)
    response = client.post(reverse("access:tokens"), {"name": "脚本"})
    assert response.status_code == 200
    text = response.content.decode()
    token = ApiToken.objects.get(user=county.gridworker)
    assert token.prefix in text
    assert "只显示这一次" in text
    assert response["Cache-Control"] == "no-store"
    again = client.get(reverse("access:tokens")).content.decode()
    assert "只显示这一次" not in again
    assert token.prefix in again


def test_token_revoke_asks_for_confirmation(login, county):
    token, _raw = api_token_create(actor=county.gridworker, user=county.gridworker, name="x")
    client = login(county.gridworker)
    url = reverse("access:token_revoke", args=[token.public_id])
    page = client.get(url)
    assert page.status_code == 200
    assert "确定撤销" in page.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
