"""Log personas in as a browser would, passing the TOTP step for command-level roles."""

from __future__ import annotations

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from bastion.access.twofactor import totp_required


@pytest.fixture
def login(client):
    """login(user) -> a test client with a session that may use pages and the API."""

    def _login(user):
        client.force_login(user)
        if totp_required(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return _login


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 costs ~0.2 s per persona; these tests do not exercise hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
