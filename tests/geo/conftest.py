from __future__ import annotations

import pytest
from django.utils import translation

from tests.mixins import api_login_client


@pytest.fixture
def api_login(client):
    """api_login(user) -> a test client whose session the API accepts."""
    return lambda user: api_login_client(client, user)


@pytest.fixture(autouse=True)
def chinese_messages():
    """Messages are asserted in their Chinese source form, whatever an earlier test activated."""
    with translation.override("zh-hans"):
        yield
