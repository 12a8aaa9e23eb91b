"""A person under observation reports from their phone through the personal link."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from bastion.monitoring.models import FollowUp
from bastion.monitoring.services.selfreport import selfreport_token_issue
from tests.monitoring.conftest import (  # noqa: F401 - fixtures used by name
    doctor,
    monitoring_users,
    observation,
    policy,
)

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/bastion-selfreport-390x844.png"


def test_person_reports_37_5_on_a_phone_and_sees_it_in_history(
    live_server,
    transactional_db,
    county,
    observation,  # noqa: F811
    phone_page,
):
    cache.clear()
    token = selfreport_token_issue(actor=county.gridworker, observation=observation)
    page = phone_page
    page.goto(f"{live_server.url}/r/{token}/")
    assert page.locator("[data-test=name]").inner_text() == "张**"
    assert "张建国" not in page.content()

    page.fill("input[name=temperature]", "37.5")
    page.check("input[name=symptoms][value=cough]")
    page.click("#report-form button[type=submit]")
    page.wait_for_url(f"**/r/{token}/?done=ok")
    history = page.locator("table.history").inner_text()
    assert "37.5℃" in history and "咳嗽" in history
    assert page.locator("table.history td.abnormal").count() == 1
    page.screenshot(path=SCREENSHOT, full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the self-report page scrolls sideways on a 390px phone"
    button_height = page.locator("#report-form button[type=submit]").bounding_box()["height"]
    assert button_height >= 44, "touch target too small"
    f = FollowUp.objects.get(observation=observation)
    assert f.source == "self" and str(f.temperature) == "37.5"

    page.goto(f"{live_server.url}/r/{'x' * 43}/")
    assert "链接无效" in page.content()
