"""The public transparency page in Chromium on a phone: figures that reconcile, where a
donation went, the shortfall, search by recipient, no anonymous donor anywhere."""

from __future__ import annotations

import pytest

from bastion.supplies.services.donations import LineInput
from tests.supplies.conftest import (  # noqa: F401 - fixtures used by name
    pledge,
    receive_all,
    stocked,
    supplies,
)
from tests.supplies.flows import received_short

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/bastion-supplies-public-390x844.png"


def test_a_resident_follows_a_donation_to_the_community_on_a_phone(
    live_server,
    transactional_db,
    county,
    supplies,  # noqa: F811
    stocked,  # noqa: F811
    phone_page,
):
    hidden = pledge(
        supplies, donor="anonymous", lines=[LineInput(supplies.rice, "40", "bag", lot_code="R9")]
    )
    receive_all(hidden, supplies.warehouse)
    received_short(county, supplies)
    page = phone_page
    page.goto(f"{live_server.url}/public/supplies/")
    assert page.locator("h1").inner_text() == "捐赠物资公示"
    content = page.content()
    assert "隐名捐赠建材公司" not in content
    assert "对账一致" in content and "不一致" not in content
    stock = page.locator("table.data").first.inner_text()
    assert "医用口罩" in stock and "3,000" in stock
    page.screenshot(path=SCREENSHOT, full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the public page scrolls sideways on a 390px phone"

    page.click("text=湖南星沙医疗器械有限公司")
    page.wait_for_url("**/public/supplies/donations/*/")
    fate = page.locator("main").inner_text()
    assert "出库 2,000 个" in fate and "松雅社区" in fate and "仍在库 3,000 个" in fate

    page.click("text=松雅社区")
    page.wait_for_url("**/public/supplies/allocations/*/")
    allocation = page.locator("main").inner_text()
    assert "短缺" in allocation and "100 个" in allocation

    page.goto(f"{live_server.url}/public/supplies/allocations/")
    page.fill("input[name=recipient]", "松雅")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**recipient=*")
    assert "松雅社区" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/public/supplies/donations/?donor=隐名")
    assert "没有找到捐赠" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/public/supplies/")
    assert "匿名捐赠者" in page.locator("main").inner_text()
