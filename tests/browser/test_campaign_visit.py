"""A grid worker knocks at doors on her phone (390x844): the next household, a
double-tapped "nobody home", the revisit, and the coverage map of her campaign."""

from __future__ import annotations

import re

import pytest

from bastion.campaigns.models import HouseholdVisit, Outcome, VisitState
from tests.campaigns.conftest import (  # noqa: F401 - fixtures used by name
    campaign,
    kinds,
    venue,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/bastion-visit-390x844.png"
MAP_SCREENSHOT = "/tmp/bastion-coverage-390x844.png"


def _no_sideways_scroll(page) -> bool:
    return not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_gridworker_enters_visits_one_household_after_another_on_a_phone(
    live_server,
    transactional_db,
    county,
    campaign,  # noqa: F811
    phone_page,
):
    page = phone_page
    base = live_server.url
    page.goto(f"{base}/")
    page.fill("input[name=username]", "gridworker")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.click(".topnav >> text=排查")
    page.wait_for_url(re.compile(r"/campaigns/$"))
    page.click(f"text={campaign.name}")
    page.wait_for_url(re.compile(r"/campaigns/[0-9a-f-]{36}/$"))
    # Her part of the county campaign is her grid: one household, pending.
    assert page.locator("[data-figure=households]").inner_text() == "1"
    assert page.locator("[data-figure=pending]").inner_text() == "1"

    page.click("text=开始走访（下一户）")
    page.wait_for_url(re.compile(r"/households/[0-9a-f-]{36}/"))
    assert page.locator("#household-label").inner_text() == "1栋101"
    assert "张建国" in page.content()
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert _no_sideways_scroll(page), "the visit form scrolls sideways on a 390px phone"
    submit = page.locator("#visit-form button[name=next]")
    assert submit.bounding_box()["height"] >= 44, "touch target too small"

    # Nobody home; a double tap on the button still writes one visit.
    page.check("input[name=outcome][value=nobody_home]")
    submit.dblclick()
    page.wait_for_selector("text=已保存：1栋101")
    assert HouseholdVisit.objects.count() == 1
    # The only household in her grid comes back for the revisit.
    assert page.locator("#household-label").inner_text() == "1栋101"
    assert "已敲门 1 次" in page.content()

    page.check("input[name=outcome][value=visited]")
    page.fill("input[name=people_present]", "2")
    page.fill("textarea[name=note]", "两人在家，均无异常")
    page.click("#visit-form button[name=stay]")
    page.wait_for_url(re.compile(r"/campaigns/visits/[0-9a-f-]{36}/$"))
    assert "已走访" in page.content()
    state = VisitState.objects.get()
    assert (state.outcome, state.attempts) == (Outcome.VISITED, 2)

    page.click("text=下一户")
    page.wait_for_selector("text=没有待走访的住户了")

    # The coverage page of the community officer draws the grid map.
    page.context.clear_cookies()
    page.goto(f"{base}/")
    page.fill("input[name=username]", "community")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/campaigns/{campaign.public_id}/")
    assert page.evaluate("typeof window.echarts") == "object", "ECharts was not served"
    page.wait_for_selector("#coverage-map canvas")
    assert page.locator("[data-figure=visited]").inner_text() == "1"
    assert page.locator("[data-figure=rate]").inner_text() == "50.0%"
    page.screenshot(path=MAP_SCREENSHOT, full_page=True)
    assert _no_sideways_scroll(page), "the coverage page scrolls sideways on a 390px phone"


def test_visitor_checks_in_by_the_venue_code_on_a_phone(
    live_server,
    transactional_db,
    county,
    venue,  # noqa: F811
    phone_page,
):
    from bastion.campaigns.models import CheckIn

    page = phone_page
    page.goto(f"{live_server.url}/public/campaigns/c/{venue.checkin_code}/")
    assert "星沙宾馆" in page.content()
    page.fill("input[name=name]", "陈明")
    page.fill("input[name=phone]", "139 0000 2222")
    page.check("input[name=remember]")
    page.click("form button[type=submit]")
    page.wait_for_selector("text=登记成功")
    assert page.locator("#checkin-time").inner_text()
    assert CheckIn.objects.get().phone_masked == "139****2222"
    assert _no_sideways_scroll(page)
    # The phone remembers the visitor (its own storage), the server nothing more.
    page.goto(f"{live_server.url}/public/campaigns/c/{venue.checkin_code}/")
    assert page.input_value("input[name=name]") == "陈明"
