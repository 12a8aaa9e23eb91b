"""The self-report link: own form and history only, 404 for wrong or expired tokens, 429."""

from __future__ import annotations

import hashlib

import pytest
from django.core.cache import cache
from django.urls import reverse

from bastion.core.models import AuditEntry
from bastion.monitoring.models import FollowUp, Observation, ServiceRequest
from bastion.monitoring.services.followups import followup_record
from bastion.monitoring.services.observations import observation_register
from bastion.monitoring.services.selfreport import (
    selfreport_observation,
    selfreport_token_issue,
)
from bastion.people.identity import reveal_id_number


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token(observation, county):
    return selfreport_token_issue(actor=county.gridworker, observation=observation)


def url(token: str) -> str:
    return reverse("selfreport:page", args=[token])


def test_only_the_sha256_of_the_token_is_stored(observation, token):
    observation.refresh_from_db()
    assert len(token) >= 43
    assert observation.self_report_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(AuditEntry.objects.values_list("changes", "object_repr")))
    assert selfreport_observation(token) == observation
    assert selfreport_observation(token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_reissuing_invalidates_the_old_token(observation, county, token):
    new = selfreport_token_issue(actor=county.gridworker, observation=observation)
    assert selfreport_observation(token) is None
    assert selfreport_observation(new) == observation


def test_outsider_cannot_issue_a_token(observation, county):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        selfreport_token_issue(actor=county.outsider, observation=observation)


def test_valid_token_shows_the_form_masked_name_and_day(client, token):
    response = client.get(url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "张**" in html and "张建国" not in html
    assert 'name="temperature"' in html and 'inputmode="decimal"' in html
    assert "第 1 天 / 共 14 天" in html or "共 14 天" in html


def test_submission_records_a_self_report_and_shows_it_in_history(client, observation, token):
    response = client.post(
        url(token), {"temperature": "37.5", "symptoms": ["cough"], "at_home": "yes"}
    )
    assert response.status_code == 302
    f = FollowUp.objects.get(observation=observation)
    assert f.source == "self" and f.recorded_by is None and f.abnormal
    page = client.get(response.url).content.decode()
    assert "37.5℃" in page and "咳嗽" in page and "已提交" in page


def test_invalid_temperature_is_explained(client, observation, token):
    response = client.post(url(token), {"temperature": "50", "at_home": "yes"})
    assert response.status_code == 200
    assert "34.0 到 43.0" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_history_shows_only_own_entries_and_no_team_names(
    client, county, policy, observation, token, monitoring_users
):
    followup_record(
        actor=county.gridworker,
        observation=observation,
        observed_at=None,
        temperature="36.4",
        symptoms=[],
        at_home=True,
    )
    other = observation_register(
        actor=county.gridworker,
        policy=policy,
        person=county.people["li"],
        origin="武汉",
        arrived_on=observation.starts_on,
    )
    followup_record(
        actor=county.gridworker,
        observation=other,
        observed_at=None,
        temperature="39.9",
        symptoms=[],
        at_home=True,
    )
    team_names = ["刘医生", "王警官", "陈联络", "赵村干"]
    for user, name in zip(monitoring_users.values(), team_names, strict=False):
        type(user).objects.filter(pk=user.pk).update(full_name=name)
    html = client.get(url(token)).content.decode()
    assert "36.4℃" in html and "39.9" not in html
    zhang = county.people["zhang"]
    for secret in (
        reveal_id_number(zhang),
        zhang.id_number_masked,
        "13812341234",
        zhang.phone_masked,
        "李秀英",
        "李*",
        "gridworker",
        *team_names,
        "松雅",
        "星沙",
    ):
        assert secret not in html, secret


def test_wrong_token_gets_a_plain_chinese_404(client, token):
    response = client.get(url("x" * 43))
    assert response.status_code == 404
    assert "链接无效" in response.content.decode()
    assert client.post(url("short"), {"temperature": "36.5"}).status_code == 404
    assert not FollowUp.objects.exists()


def test_released_or_ended_observation_token_gets_404(client, observation, token):
    Observation.objects.filter(pk=observation.pk).update(status="released")
    assert client.get(url(token)).status_code == 404
    Observation.objects.filter(pk=observation.pk).update(status="ended")
    assert client.get(url(token)).status_code == 404


def test_submissions_are_rate_limited_per_token(client, settings, token):
    settings.BASTION_SELFREPORT_SUBMISSIONS_PER_HOUR = 3
    codes = [
        client.post(url(token), {"temperature": "36.5", "at_home": "yes"}).status_code
        for _ in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    assert FollowUp.objects.count() == 3


def test_requests_are_rate_limited_per_client_address(client, settings, token):
    settings.BASTION_SELFREPORT_REQUESTS_PER_MINUTE = 5
    codes = [client.get(url("y" * 43)).status_code for _ in range(6)]
    assert codes == [404] * 5 + [429]
    assert "太频繁" in client.get(url(token)).content.decode()
    other = client.get(url(token), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_home_service_request_from_the_page(client, observation, token):
    response = client.post(reverse("selfreport:service", args=[token]), {"kind": "medicine"})
    assert response.status_code == 302 and response.url.endswith("?done=service")
    request = ServiceRequest.objects.get(observation=observation)
    assert request.kind == "medicine" and request.from_self_report and request.requested_by is None
    bad = client.post(reverse("selfreport:service", args=[token]), {"kind": "cash"})
    assert bad.status_code == 200 and ServiceRequest.objects.count() == 1
    assert (
        client.post(
            reverse("selfreport:service", args=["z" * 43]), {"kind": "medicine"}
        ).status_code
        == 404
    )
