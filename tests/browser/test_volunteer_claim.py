"""A party member on their phone: log in, see tasks nearest home first, claim one; a
community officer publishes a task from a phone."""

from __future__ import annotations

import re

import pytest

from bastion.volunteers.models import Claim, ClaimStatus, Task
from tests.conftest import PASSWORD
from tests.volunteers.conftest import tomorrow_at, vol  # noqa: F401 - fixture used by name

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/bastion-volunteers-nearby-390x844.png"
TASK_SCREENSHOT = "/tmp/bastion-volunteers-task-390x844.png"
FORM_SCREENSHOT = "/tmp/bastion-volunteers-publish-390x844.png"


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/?next=/volunteers/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/volunteers/")


def _no_sideways_scroll(page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, f"{what} scrolls sideways on a 390px phone"


def test_member_claims_the_nearest_task_on_a_phone(
    live_server,
    transactional_db,
    county,
    vol,  # noqa: F811
    phone_page,
):
    vol.make_task(title="黄兴路口测温", region=county.grid_a1_2, slots=2,
                  starts_at=tomorrow_at(7), ends_at=tomorrow_at(9))  # fmt: skip
    near = vol.make_task(title="松雅小区门岗", region=county.grid_a1_1, slots=2,
                         starts_at=tomorrow_at(10), ends_at=tomorrow_at(12))  # fmt: skip
    page = phone_page
    base = live_server.url
    _log_in(page, base, "volunteer")

    cards = page.locator("#nearby li.task .title")
    assert cards.nth(0).inner_text() == "松雅小区门岗"  # home grid first, though it starts later
    assert cards.nth(1).inner_text() == "黄兴路口测温"
    assert "0.0 公里" in page.locator("#nearby li.task").nth(0).inner_text()
    _no_sideways_scroll(page, "the nearby list")
    page.screenshot(path=SCREENSHOT, full_page=True)

    cards.nth(0).click()
    page.wait_for_url(re.compile(rf"/volunteers/tasks/{near.public_id}/$"))
    button = page.locator("#claim-button")
    assert button.bounding_box()["height"] >= 44, "touch target too small"
    button.click()
    page.wait_for_url(re.compile(rf"/volunteers/tasks/{near.public_id}/$"))
    assert "认领成功" in page.locator(".messages").inner_text()
    assert "您已认领此任务" in page.locator("#my-claim").inner_text()
    assert "13700001111" in page.content()  # the contact's number, now that they hold a slot
    _no_sideways_scroll(page, "the task page")
    page.screenshot(path=TASK_SCREENSHOT, full_page=True)

    claim = Claim.objects.get(task=near)
    assert claim.status == ClaimStatus.CLAIMED and claim.user.username == "volunteer"
    assert Task.objects.get(pk=near.pk).claimed_count == 1

    page.click(".vnav >> text=我的记录")
    page.wait_for_url(f"{base}/volunteers/me/")
    assert "松雅小区门岗" in page.locator("main").inner_text()


def test_officer_publishes_a_task_from_a_phone(
    live_server,
    transactional_db,
    county,
    vol,  # noqa: F811
    phone_page,
):
    page = phone_page
    base = live_server.url
    _log_in(page, base, "community")
    page.click("text=发布任务")
    page.wait_for_url(f"{base}/volunteers/tasks/new/")
    _no_sideways_scroll(page, "the publishing form")
    page.fill("input[name=title]", "代购药品配送")
    page.select_option("select[name=kind]", "delivery")
    page.select_option("select[name=region]", county.grid_a1_2.code)
    page.fill("input[name=slots]", "3")
    page.fill("input[name=protection]", "口罩、手套")
    page.screenshot(path=FORM_SCREENSHOT, full_page=True)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/volunteers/tasks/[0-9a-f-]{36}/$"))
    assert "任务已发布" in page.locator(".messages").inner_text()
    task = Task.objects.get(title="代购药品配送")
    assert task.slots == 3 and task.region == county.grid_a1_2
