"""TOTP second factor for the county command (access.roles.TOTP_ROLES)."""

from __future__ import annotations

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from bastion.core.models import AuditEntry
from tests.access.conftest import make_device, totp_code
from tests.conftest import PASSWORD


def password_login(client, username):
    return client.post(reverse("access:login"), {"username": username, "password": PASSWORD})


def test_command_without_device_is_sent_to_setup(client, county):
    response = password_login(client, "command")
    assert response.status_code == 302
    assert response.url.startswith(reverse("access:otp_setup"))
    page = client.get(response.url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text  # QR code rendered inline, no external service
    device = TOTPDevice.objects.get(user=county.command, confirmed=False)
    from bastion.access.twofactor import device_secret

    assert device_secret(device) in text


def test_every_page_redirects_until_verified(client, county):
    password_login(client, "command")
    for url in (reverse("geo:home"), reverse("access:inbox"), reverse("access:tokens")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("access:otp_setup"))
    # login, setup and logout stay reachable
    assert client.get(reverse("access:otp_setup")).status_code == 200
    assert client.post(reverse("access:logout")).status_code == 302


def test_api_session_refused_until_verified(client, county):
    password_login(client, "command")
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_setup_confirms_first_code_and_unlocks(client, county):
    password_login(client, "command")
    client.get(reverse("access:otp_setup"))
    device = TOTPDevice.objects.get(user=county.command)
    response = client.post(
        reverse("access:otp_setup"), {"token": "000000" if totp_code(device) != "000000" else "1"}
    )
    assert response.status_code == 200
    assert "动态口令不正确" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(
        reverse("access:otp_setup"), {"token": totp_code(device), "next": "/inbox/"}
    )
    assert response.status_code == 302
    assert response.url == "/inbox/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("access:inbox")).status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_command_with_device_must_enter_code(client, county):
    device = make_device(county.command)
    response = password_login(client, "command")
    assert response.url.startswith(reverse("access:otp_verify"))
    assert client.get(reverse("access:inbox")).url.startswith(reverse("access:otp_verify"))

    bad = client.post(reverse("access:otp_verify"), {"token": "12345x"})
    assert bad.status_code == 200
    assert AuditEntry.objects.filter(
        action="login_failed", actor=None, changes__stage="totp"
    ).exists()

    device.refresh_from_db()
    device.throttle_reset()
    good = client.post(
        reverse("access:otp_verify"), {"token": totp_code(device), "next": "/inbox/"}
    )
    assert good.status_code == 302
    assert good.url == "/inbox/"
    assert client.get(reverse("access:inbox")).status_code == 200


def test_open_redirect_is_refused_after_verify(client, county):
    device = make_device(county.command)
    password_login(client, "command")
    response = client.post(
        reverse("access:otp_verify"),
        {"token": totp_code(device), "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("geo:home")


def test_grid_worker_needs_no_second_factor(client, county):
    response = password_login(client, "gridworker")
    assert response.url == reverse("geo:home")
    assert client.get(reverse("access:inbox")).status_code == 200


def test_verified_command_is_let_through(verified_login, county):
    client = verified_login(county.command)
    assert client.get(reverse("access:inbox")).status_code == 200


def test_token_auth_is_not_asked_for_totp(client, county, token_for):
    raw = token_for(county.command)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["totp_required"] is True
