"""Fragments and stored texts follow the reader's language switch (issue 6): htmx
fragments never follow the browser's Accept-Language, notifications and alert details
written in one language are read in the reader's, indicator explanations translate."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation
from freezegun import freeze_time

from bastion.access.models import Notification
from bastion.monitoring.models import Alert
from bastion.monitoring.services.followups import followup_record

ENGLISH_BROWSER = {"HTTP_ACCEPT": "*/*", "HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_an_htmx_fragment_follows_the_switch_not_the_browser(county, observation, login, in_period):
    client = login(county.gridworker)
    url = f"/monitoring/observations/{observation.public_id}/followup/"
    client.get("/api/v1/me")  # load the URLs (and the API's schemas) before time is frozen
    with freeze_time(in_period):
        chinese = client.get(url, HTTP_HX_REQUEST="true", **ENGLISH_BROWSER).content.decode()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = client.get(url, HTTP_HX_REQUEST="true", **ENGLISH_BROWSER).content.decode()
    assert "体温" in chinese and "Temperature" not in chinese
    assert "Temperature" in english


def test_the_api_still_follows_accept_language(county, login):
    response = login(county.gridworker).get("/api/v1/people/not-a-uuid", **ENGLISH_BROWSER)
    assert response.status_code in (404, 422)
    body = response.content.decode()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in body), body


def _fever(county, observation, at, language):
    with translation.override(language):
        followup_record(
            actor=county.gridworker,
            observation=observation,
            observed_at=at,
            temperature="38.4",
            symptoms=["cough", "fatigue"],
            at_home=False,
            now=at,
        )


def test_notifications_written_in_english_are_read_in_chinese_and_back(
    county, observation, in_period, doctor
):
    _fever(county, observation, in_period, "en")
    note = Notification.objects.filter(recipient=doctor).first()
    with translation.override("zh-hans"):
        assert "预警" in note.display_title and "alert" not in note.display_title.lower()
    with translation.override("en"):
        assert "alert" in note.display_title.lower()


def test_alert_details_are_read_in_the_readers_language(county, observation, in_period, login):
    _fever(county, observation, in_period, "en")
    symptom = Alert.objects.get(kind="symptom")
    with translation.override("zh-hans"):
        assert symptom.detail_text == "咳嗽、乏力"
    with translation.override("en"):
        assert "Cough" in symptom.detail_text
    page = login(county.gridworker).get(f"/monitoring/alerts/{symptom.public_id}/")
    assert "咳嗽、乏力" in page.content.decode()


def test_the_inbox_shows_stored_titles_in_the_switched_language(
    county, observation, in_period, doctor, login
):
    _fever(county, observation, in_period, "zh-hans")
    client = login(doctor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/inbox/").content.decode()
    assert "alert" in body.lower() and "发热预警" not in body


def test_indicator_explanations_follow_the_language(county, login):
    client = login(county.command)
    chinese = client.get("/reports/").content.decode()
    assert "People under home observation" not in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/reports/").content.decode()
    assert "under home observation" in english.lower()
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    api = client.get("/api/v1/indicators", HTTP_ACCEPT_LANGUAGE="zh-hans")
    descriptions = [i["description"] for i in api.json()]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in d) for d in descriptions if d)


def test_missed_follow_up_details_are_stored_untranslated(county, observation):
    from bastion.monitoring.models import Observation
    from bastion.monitoring.services.alerts import missed_alerts_raise
    from tests.monitoring.conftest import SHANGHAI

    registered = dt.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI)
    Observation.objects.filter(pk=observation.pk).update(created_at=registered)
    with translation.override("en"):
        raised = missed_alerts_raise(now=dt.datetime(2026, 3, 4, 1, tzinfo=SHANGHAI))
    assert raised == 1
    alert = Alert.objects.get(kind="missed")
    with translation.override("zh-hans"):
        assert alert.detail_text == "应随访1次，实际0次"
    with translation.override("en"):
        assert "0" in alert.detail_text and "应随访" not in alert.detail_text
