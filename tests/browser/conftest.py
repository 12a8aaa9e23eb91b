"""Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Without /usr/bin/chromium the browser tests skip on a laptop and fail in CI (CI set).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The sync Playwright API runs an event loop in this thread; Django's ORM calls made by
# the test body itself (fixtures, assertions) would otherwise refuse to run.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("BASTION_CHROMIUM", "/usr/bin/chromium"))
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium):
    """A fresh browser context the size of a phone (390x844), Chinese by default."""
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
