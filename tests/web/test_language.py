"""The English switch: the language cookie (or Accept-Language) turns the pages English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bastion.monitoring.models import Policy
from bastion.monitoring.services.observations import observation_register

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_by_default(county, login):
    body = login(county.gridworker).get(reverse("geo:home")).content.decode()
    assert '<html lang="zh-hans">' in body
    assert "我负责的区域" in body


def test_language_cookie_switches_the_grid_page_to_english(county, login):
    client = login(county.gridworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("geo:grid", args=[county.grid_a1_1.code])).content.decode()
    assert '<html lang="en">' in body
    assert "Households (1)" in body
    assert "People without a household" in body
    assert "Log out" in body
    assert "未编入住户的人员" not in body


def test_accept_language_header_gives_english(county, login):
    client = login(county.gridworker)
    body = client.get(reverse("people:import"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Upload and check" in body


def test_set_language_view_sets_the_cookie(county, login):
    client = login(county.gridworker)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "My regions" in client.get(reverse("geo:home")).content.decode()


def test_english_catalogue_translates_every_message():
    """Every msgid in the English catalogue has a translation (no empty msgstr)."""
    from pathlib import Path

    po = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if "msgid " in b and 'msgid ""\nmsgstr ""\n"' not in b]
    untranslated = [
        b
        for b in blocks
        if b.rstrip().endswith('msgstr ""') or 'msgstr[0] ""' in b or "#, fuzzy" in b
    ]
    assert untranslated == []


def test_a_browser_set_to_english_still_gets_chinese_until_the_user_switches(county, login):
    client = login(county.gridworker)
    headers = {"HTTP_ACCEPT": "text/html,application/xhtml+xml", "HTTP_ACCEPT_LANGUAGE": "en-US,en"}
    body = client.get(reverse("geo:home"), **headers).content.decode()
    assert '<html lang="zh-hans">' in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("geo:home"), **headers).content.decode()
    assert '<html lang="en">' in body


def test_language_cookie_switches_the_monitoring_pages_to_english(county, login):
    """Today's follow-ups and the observation list, with someone due today (arrived yesterday)."""
    observation_register(
        actor=county.gridworker,
        policy=Policy.objects.get(category="returnee"),
        person=county.people["zhang"],
        origin="湖北省武汉市",
        arrived_on=timezone.localdate() - dt.timedelta(days=1),
    )
    client = login(county.gridworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    today = client.get(reverse("monitoring:today")).content.decode()
    assert '<html lang="en">' in today
    assert "<h1>Today's follow-ups" in today
    assert "<h2>Due " in today or "<h2>Overdue " in today  # overdue after the daily deadline
    assert ">Record<" in today
    for chinese in ("今日随访", "待随访", "已超时", "第 ", "记录"):
        assert chinese not in today

    listing = client.get(reverse("monitoring:observation_list")).content.decode()
    assert "Home observation" in listing
    assert "Risk-area check" in listing
    assert "Under observation" in listing
    assert "1 person" in listing
    for chinese in ("居家观察", "风险地区排查", "观察中", "共 1 人"):
        assert chinese not in listing
