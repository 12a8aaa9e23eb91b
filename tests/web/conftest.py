"""Fixtures for the web page tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def login(client):
    """Log a persona in; TOTP roles (the county command) also get a verified session."""
    from tests.mixins import api_login_client

    def _login(user):
        return api_login_client(client, user)

    return _login
