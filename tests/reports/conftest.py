from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Dashboard figures are cached; every test starts with an empty cache, and live
    figures are as of the request (not of the start of a 30-second bucket)."""
    from django.core.cache import cache

    settings.BASTION_DASHBOARD_LIVE_SECONDS = 0

    cache.clear()
    yield
    cache.clear()
