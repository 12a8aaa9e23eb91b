"""A directive followed in Chromium from issue to completion: the county command (TOTP)
issues it to two towns, the town officer of 星沙街道 finds it in her inbox on a phone,
acknowledges it, reports progress and completion with a photo, and the county command sees
the town done on the completion bar."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from bastion.command.models import Directive, TargetStatus
from tests.access.conftest import totp_code
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser

ISSUER_SHOT = "/tmp/bastion-directive-issued-390x844.png"
TOWN_SHOT = "/tmp/bastion-directive-town-390x844.png"
DONE_SHOT = "/tmp/bastion-directive-done-390x844.png"


def _login(page, base, username, device=None):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if device is not None:
        assert "/otp/" in page.url
        page.fill("input[name=token]", totp_code(device))
        page.click("main form.card button[type=submit]")
        page.wait_for_load_state()
    assert "/login/" not in page.url and "/otp/" not in page.url


def _no_sideways_scroll(page, what):
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), what


def test_directive_from_issue_to_completion(
    live_server, transactional_db, county, chromium, tmp_path
):
    from django.contrib.auth import get_user_model

    from bastion.access.roles import Role

    make_user("officer_b", Role.TOWN_OFFICER, county.town_b)
    device = TOTPDevice.objects.create(user=county.command, name="phone", confirmed=True)
    photo = tmp_path / "台账.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())
    base = live_server.url

    def phone():
        context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        return context, page

    # The county command issues the directive (second factor on the way in).
    issuer_context, issuer = phone()
    _login(issuer, base, "command", device)
    issuer.goto(f"{base}/command/")
    issuer.click("text=下发指令")
    issuer.wait_for_url(re.compile(r"/command/directives/new/$"))
    issuer.fill("input[name=title]", "全面排查返乡人员")
    issuer.fill("textarea[name=content]", "各镇街于两日内完成返乡人员全面排查。")
    issuer.select_option("select[name=priority]", "urgent")
    soon = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    issuer.fill("input[name=deadline]", soon)
    issuer.check(f"input[name=targets][value='region:{county.town_a.code}']")
    issuer.check(f"input[name=targets][value='region:{county.town_b.code}']")
    issuer.click("main form button[type=submit]")
    issuer.wait_for_url(re.compile(r"/command/directives/[0-9a-f-]{36}/$"))
    page_text = issuer.locator("main").inner_text()
    assert "完成率 0%（0/2）" in page_text
    assert "星沙街道" in page_text and "黄兴镇" in page_text
    _no_sideways_scroll(issuer, "directive page")
    issuer.screenshot(path=ISSUER_SHOT, full_page=True)
    directive = Directive.objects.get()
    assert directive.issued_by == county.command

    # The town officer finds it in her inbox, unread, and works it through on her phone.
    town_context, town = phone()
    _login(town, base, "town")
    town.goto(f"{base}/command/inbox/")
    assert town.locator(".chip.unread").count() == 1
    town.click("text=全面排查返乡人员")
    town.wait_for_url(re.compile(r"/command/targets/[0-9a-f-]{36}/$"))
    assert "已阅" in town.locator("h1").inner_text()
    town.click("#acknowledge")
    town.wait_for_selector("text=已签收")
    town.fill("textarea#progress-note", "已完成三个社区")
    town.click("#progress")
    town.wait_for_selector(".log >> text=已完成三个社区")
    town.fill("textarea#done-report", "全部排查完毕，登记返乡人员42人")
    town.set_input_files("input#done-files", str(photo))
    town.click("#complete")
    town.wait_for_selector("h1 >> text=已完成")
    _no_sideways_scroll(town, "target page")
    town.screenshot(path=TOWN_SHOT, full_page=True)
    target = directive.targets.get(region=county.town_a)
    assert target.status == TargetStatus.DONE
    assert [e.action for e in target.events.order_by("at", "id")] == [
        "read",
        "acknowledge",
        "progress",
        "done",
    ]
    assert target.events.get(action="done").attachments.count() == 1

    # The county command sees the town done: 50%, one bar full, the other untouched.
    issuer.goto(f"{base}/command/directives/{directive.public_id}/")
    text = issuer.locator("main").inner_text()
    assert "完成率 50%（1/2）" in text
    assert issuer.locator(".unit-bar .chip.s-done").count() == 1
    assert issuer.locator(".unit-bar .chip.s-sent").count() == 1
    issuer.click(".unit-bar >> text=星沙街道")
    issuer.wait_for_url(re.compile(r"/command/targets/"))
    assert "全部排查完毕" in issuer.locator(".log").inner_text()
    issuer.screenshot(path=DONE_SHOT, full_page=True)
    # Nobody else's target was touched; the other town is still unread.
    assert directive.targets.get(region=county.town_b).status == TargetStatus.SENT
    assert (
        get_user_model()
        .objects.get(username="officer_b")
        .notifications.filter(title__contains="新指令")
        .exists()
    )
    town_context.close()
    issuer_context.close()
