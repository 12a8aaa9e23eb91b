"""Acknowledge and resolve rules, the alert pages and the person timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from bastion.core.models import AuditEntry
from bastion.monitoring.models import AlertKind
from bastion.monitoring.services.alerts import alert_acknowledge, alert_raise, alert_resolve
from tests.monitoring.conftest import SHANGHAI

RAISED = dt.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def alert(observation):
    return alert_raise(
        observation=observation, kind=AlertKind.FEVER, local_date=RAISED.date(), now=RAISED
    )


def test_team_member_acknowledges_and_resolves_with_notes(alert, doctor):
    alert = alert_acknowledge(actor=doctor, alert=alert, note="已电话联系")
    assert alert.acknowledged_by == doctor and alert.acknowledge_note == "已电话联系"
    alert = alert_resolve(actor=doctor, alert=alert, note="复测体温正常")
    assert alert.resolved_by == doctor and alert.acknowledge_note == "已电话联系"
    entries = AuditEntry.objects.filter(object_id=str(alert.public_id), action="update")
    assert entries.count() == 2


def test_alert_cannot_be_resolved_twice(alert, doctor):
    alert_resolve(actor=doctor, alert=alert, note="已处理")
    with pytest.raises(ValidationError):
        alert_resolve(actor=doctor, alert=alert, note="再次处理")
    with pytest.raises(ValidationError):
        alert_acknowledge(actor=doctor, alert=alert, note="确认")


def test_note_is_required(alert, doctor):
    with pytest.raises(ValidationError):
        alert_acknowledge(actor=doctor, alert=alert, note="  ")


def test_officer_over_the_path_may_resolve_but_outsider_may_not(alert, county):
    alert_resolve(actor=county.community, alert=alert, note="社区已处理")
    with pytest.raises(Http404):
        alert_acknowledge(actor=county.outsider, alert=alert, note="不该成功")


def test_other_team_member_cannot_handle(alert, county):
    with pytest.raises(Http404):
        alert_resolve(actor=county.teammember, alert=alert, note="不是我的人")


def test_alert_list_shows_open_first_with_level(
    alert, doctor, login, django_assert_max_num_queries
):
    client = login(doctor)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("monitoring:alert_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "张**" in body and "张建国" not in body
    assert "升级级别 4" in body  # raised in March, never acknowledged


def test_acknowledge_and_resolve_through_the_page(alert, doctor, login):
    client = login(doctor)
    url = reverse("monitoring:alert_acknowledge", args=[alert.public_id])
    assert client.post(url, {"note": "已联系"}).status_code == 302
    url = reverse("monitoring:alert_resolve", args=[alert.public_id])
    assert client.post(url, {"note": "已解决"}).status_code == 302
    alert.refresh_from_db()
    assert alert.resolved_at is not None and alert.resolve_note == "已解决"


@pytest.mark.parametrize("name", ["alert_detail", "alert_acknowledge", "alert_resolve"])
def test_outsider_gets_404_for_alert(alert, county, login, name):
    client = login(county.outsider)
    url = reverse(f"monitoring:{name}", args=[alert.public_id])
    response = client.post(url, {"note": "x"}) if name != "alert_detail" else client.get(url)
    assert response.status_code == 404


def test_outsider_sees_no_alerts_in_list(alert, county, login):
    body = login(county.outsider).get(reverse("monitoring:alert_list")).content.decode()
    assert str(alert.public_id) not in body


def test_timeline_lists_events_in_order_masked(alert, observation, doctor, login):
    alert_resolve(actor=doctor, alert=alert, note="复测正常")
    url = reverse("monitoring:timeline", args=[observation.public_id])
    response = login(doctor).get(url)  # follow-ups, alerts, services, extensions, audit x2
    assert response.status_code == 200
    body = response.content.decode()
    assert "张**" in body and "张建国" not in body
    assert body.index("预警：") < body.index("预警已处置")
    assert "责任组变更" in body


def test_outsider_and_other_team_member_get_404_for_timeline(observation, county, login):
    url = reverse("monitoring:timeline", args=[observation.public_id])
    assert login(county.outsider).get(url).status_code == 404
    assert login(county.teammember).get(url).status_code == 404
