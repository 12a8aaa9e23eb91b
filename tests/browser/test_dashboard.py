"""The dashboard and the big screen in Chromium: charts and the grid map draw, the console
stays clean, and screenshots are kept under var/test-artifacts/ (gitignored)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bastion.access.roles import Role
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/login/" not in page.url


def _watch(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_dashboard_and_big_screen_render_without_console_errors(
    live_server, transactional_db, county, chromium, settings
):
    settings.BASTION_DASHBOARD_LIVE_SECONDS = 0
    make_user("town_viewer", Role.TOWN_OFFICER, county.town_a)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors = _watch(page)
    _login(page, base, "town_viewer")
    page.goto(f"{base}/reports/dashboard/?indicator=people")
    page.wait_for_selector("#dash-trend canvas")
    page.wait_for_selector("#dash-bars canvas")
    page.wait_for_selector("#dash-map[data-gridmap-state=ready]")
    assert "星沙街道" in page.inner_text("h1")
    assert page.inner_text("[data-code=people] >> nth=0") == "3"
    page.screenshot(path=str(ARTIFACTS / "dashboard-1366x900.png"), full_page=True)
    # Drill down to the community by its row in the sub-region table.
    page.click("table.data >> text=松雅社区")
    page.wait_for_load_state()
    assert "松雅社区" in page.inner_text("h1")
    assert errors == []

    screen = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    big = screen.new_page()
    big.set_default_timeout(20_000)
    big_errors = _watch(big)
    _login(big, base, "town_viewer")
    big.goto(f"{base}/reports/dashboard/screen/?indicator=monitoring_under_observation")
    big.wait_for_selector("#dash-trend canvas")
    big.wait_for_selector("#dash-map[data-gridmap-state=ready]")
    size = big.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert size == [1920, 1080]
    big.screenshot(path=str(ARTIFACTS / "bigscreen-1920x1080.png"))
    assert big_errors == []
    context.close()
    screen.close()
