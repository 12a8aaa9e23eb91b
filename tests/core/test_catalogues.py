"""The apps' own English catalogues translate every message (no empty or fuzzy entry),
and their compiled .mo files are committed beside them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import bastion

APP_CATALOGUES = sorted(Path(bastion.__file__).parent.glob("*/locale/en/LC_MESSAGES/django.po"))


def test_there_are_app_catalogues():
    assert {p.parts[-5] for p in APP_CATALOGUES} >= {"core", "people", "access", "monitoring"}


@pytest.mark.parametrize("po", APP_CATALOGUES, ids=lambda p: p.parts[-5])
def test_app_catalogue_translates_every_message(po):
    text = po.read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if "msgid " in b and 'msgid ""\nmsgstr ""\n"' not in b]
    # An empty translation is `msgstr ""` (or `msgstr[N] ""`) with no continuation line.
    empty = re.compile(r'^msgstr(\[\d+\])? ""\n(?!")', re.M)
    untranslated = [b for b in blocks if empty.search(b + "\n") or "#, fuzzy" in b]
    assert untranslated == []
    assert po.with_suffix(".mo").exists()


def test_a_new_page_reads_in_english_after_the_switch(county, login):
    from django.conf import settings

    client = login(county.gridworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/password/").content.decode()
    assert "Change password" in body and "Current password" in body
