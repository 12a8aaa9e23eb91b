"""Password login, lockout per username+address with a cool-off, logout, session timeout."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from bastion.core.models import AuditEntry
from tests.conftest import PASSWORD

LOGIN = "/login/"


def post_login(client, username, password, ip="10.0.0.1", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def test_login_page_is_chinese(client, db):
    response = client.get(reverse("access:login"))
    assert response.status_code == 200
    assert "用户名" in response.content.decode()


def test_grid_worker_logs_in_and_is_audited(client, county):
    response = post_login(client, "gridworker", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("geo:home")
    entry = AuditEntry.objects.get(action="login")
    assert entry.actor == county.gridworker
    assert entry.ip_address == "10.0.0.1"
    assert entry.path == county.grid_a1_1.path
    assert PASSWORD not in str(entry.changes) + entry.reason + entry.object_repr


def test_wrong_password_is_audited_without_password(client, county):
    response = post_login(client, "gridworker", "wrong-password-123")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    entry = AuditEntry.objects.get(action="login_failed")
    assert entry.object_repr == "gridworker"
    assert entry.object_id == str(county.gridworker.public_id)
    assert "wrong-password-123" not in str(entry.changes) + entry.reason + entry.object_repr


def test_passwords_are_hashed_with_argon2(db, settings):
    from django.conf import settings as live

    from bastion import settings as project

    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS
    from bastion.access.models import User

    user = User.objects.create_user(username="fresh", password=PASSWORD)
    assert live.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert user.password.startswith("argon2")


def _fail(client, username, times, ip="10.0.0.1"):
    for _ in range(times):
        post_login(client, username, "not-the-password", ip=ip)


def test_five_failures_lock_the_username_at_that_address(client, county):
    _fail(client, "gridworker", 5)
    response = post_login(client, "gridworker", PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录已暂时锁定" in text
    assert "15 分钟后" in text
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_failed", changes__locked_out=True).exists()


def test_four_failures_do_not_lock(client, county):
    _fail(client, "gridworker", 4)
    assert post_login(client, "gridworker", PASSWORD).status_code == 302


def test_lock_is_per_username_and_address(client, county):
    _fail(client, "gridworker", 5, ip="10.0.0.1")
    assert post_login(client, "gridworker", PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert post_login(client, "town", PASSWORD, ip="10.0.0.1").status_code == 302


def test_lock_is_released_after_the_cool_off(client, county):
    start = dt.datetime(2024, 2, 1, 8, 0, tzinfo=dt.UTC)
    with freeze_time(start) as frozen:
        _fail(client, "gridworker", 5)
        frozen.tick(dt.timedelta(minutes=16))
        assert post_login(client, "gridworker", PASSWORD).status_code == 302


def test_lock_holds_during_the_cool_off(client, county):
    """An attempt while locked counts as a failure, so the cool-off runs from the last try."""
    start = dt.datetime(2024, 2, 1, 8, 0, tzinfo=dt.UTC)
    with freeze_time(start) as frozen:
        _fail(client, "gridworker", 5)
        frozen.tick(dt.timedelta(minutes=14))
        response = post_login(client, "gridworker", PASSWORD)
        assert response.status_code == 429
        assert "16:29" in response.content.decode()  # 08:14 UTC + 15 min, shown in Asia/Shanghai


def test_lockout_also_guards_the_admin_login(client, county):
    _fail(client, "gridworker", 5)
    response = client.post(
        "/admin/login/",
        {"username": "gridworker", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 429


def test_api_offers_no_password_side_door(client, county):
    """Basic credentials are not an API login, so the API cannot be used to guess passwords."""
    _fail(client, "gridworker", 5)
    basic = base64.b64encode(f"gridworker:{PASSWORD}".encode()).decode()
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Basic {basic}", REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_bearer_token_does_not_lift_a_lockout(client, county, token_for):
    raw = token_for(county.gridworker)
    _fail(client, "gridworker", 5)
    # the token still works for the API (it is a separate credential) ...
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    # ... but it opens no web session and the password login stays locked
    assert post_login(client, "gridworker", PASSWORD).status_code == 429
    assert client.get(reverse("access:inbox")).status_code == 302


def test_logout_needs_post(login, county):
    client = login(county.gridworker)
    assert client.get(reverse("access:logout")).status_code == 405
    response = client.post(reverse("access:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_idle_session_is_logged_out(login, county, settings):
    settings.SESSION_INACTIVITY_SECONDS = 600
    client = login(county.gridworker)
    with freeze_time("2024-02-01 08:00:00") as frozen:
        assert client.get(reverse("access:inbox")).status_code == 200
        frozen.tick(dt.timedelta(seconds=599))
        assert client.get(reverse("access:inbox")).status_code == 200
        frozen.tick(dt.timedelta(seconds=601))
        response = client.get(reverse("access:inbox"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("access:login"))
    assert "_auth_user_id" not in client.session


def test_idle_timeout_by_editing_the_session_timestamp(login, county):
    client = login(county.gridworker)
    assert client.get(reverse("access:inbox")).status_code == 200
    session = client.session
    session["bastion_last_seen"] -= 31 * 60
    session.save()
    assert client.get(reverse("access:inbox")).status_code == 302


@pytest.mark.parametrize("name", ["inbox", "tokens"])
def test_pages_need_login(client, db, name):
    response = client.get(reverse(f"access:{name}"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("access:login"))
