"""Helpers for access tests: TOTP devices and codes, API tokens, a verified command client."""

from __future__ import annotations

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bastion.access.services import api_token_create


def totp_code(device: TOTPDevice) -> str:
    """The device's current code, computed the way an authenticator app does."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def make_device(user, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=confirmed)


@pytest.fixture
def verified_login(client):
    """Log in a TOTP user with a confirmed device and a verified session."""

    def _login(user):
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or make_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return _login


@pytest.fixture
def token_for():
    """token_for(user) -> raw bearer key of a fresh token."""

    def _make(user, **kwargs):
        _token, raw = api_token_create(actor=user, user=user, name="script", **kwargs)
        return raw

    return _make


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
