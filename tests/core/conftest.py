from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def chinese_messages():
    """Messages are asserted in their Chinese source form, whatever an earlier test activated."""
    with translation.override("zh-hans"):
        yield
