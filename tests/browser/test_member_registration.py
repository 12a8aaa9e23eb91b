"""A party member on her phone: log in, register at the community where she lives, see it
waiting; the community confirms; she sees it in force. 390x844, no sideways scrolling."""

from __future__ import annotations

import re

import pytest

from bastion.party import services
from bastion.party.models import CommunityRegistration, RegistrationStatus
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/bastion-party-register-390x844.png"


def test_member_registers_at_her_community_on_a_phone(
    live_server, transactional_db, county, party_tree, phone_page
):
    page = phone_page
    base = live_server.url
    wang = party_tree.members["wang"]
    services.member_account_link(actor=None, member=wang, user=make_user("wangxm"))

    page.goto(f"{base}/party/me/")
    assert "/login/" in page.url
    page.fill("input[name=username]", "wangxm")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/party/me/$"))
    assert "王小明" in page.locator("h1").inner_text()
    assert page.locator(".topnav >> text=我的报到").count() == 1

    page.click("text=我要报到")
    page.wait_for_url(re.compile(r"/party/me/register/$"))
    # Her home community is proposed; she adds skills and when she is free.
    assert page.input_value("select[name=community]") == county.community_a1.code
    page.check("input[name=skills][value=驾驶]")
    page.fill("input[name=availability]", "周末全天")
    page.fill("textarea[name=service_wishes]", "卡口值守")
    page.screenshot(path=SCREENSHOT, full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the registration form scrolls sideways on a 390px phone"
    page.click("text=提交报到")
    page.wait_for_url(re.compile(r"/party/me/$"))
    assert "待社区确认" in page.locator("#my-registration").inner_text()

    registration = CommunityRegistration.objects.get(member=wang)
    assert registration.community == county.community_a1 and registration.skills == ["驾驶"]
    assert registration.channel == "online" and registration.submitted_by.username == "wangxm"

    services.registration_decide(actor=county.community, registration=registration, confirm=True)
    page.reload()
    text = page.locator("#my-registration").inner_text()
    assert "报到有效" in text and "有效期至" in text
    assert registration.status == RegistrationStatus.CONFIRMED
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the member's page scrolls sideways on a 390px phone"
