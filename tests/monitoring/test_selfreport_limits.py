"""Self-report limits hold across worker processes (issue 6): per token and per client
address, counted in the shared store (core.ratelimit), not in one process's memory."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from bastion.core.models import RateCounter
from bastion.monitoring.models import FollowUp
from bastion.monitoring.services.selfreport import selfreport_token_issue


@pytest.fixture
def token(observation, county):
    return selfreport_token_issue(actor=county.gridworker, observation=observation)


def _other_worker() -> None:
    """A request served by another gunicorn worker sees none of this one's memory."""
    cache.clear()


def _page(token: str) -> str:
    return reverse("selfreport:page", args=[token])


def test_self_report_submissions_per_token_hold_across_workers(client, settings, token):
    settings.BASTION_SELFREPORT_SUBMISSIONS_PER_HOUR = 2
    codes = []
    for _ in range(3):
        _other_worker()
        codes.append(
            client.post(_page(token), {"temperature": "36.5", "at_home": "yes"}).status_code
        )
    assert codes == [302, 302, 429]
    assert FollowUp.objects.count() == 2
    assert RateCounter.objects.filter(bucket="selfreport_token").exists()


def test_self_report_requests_per_address_hold_across_workers(client, settings, token):
    settings.BASTION_SELFREPORT_REQUESTS_PER_MINUTE = 3
    codes = []
    for _ in range(4):
        _other_worker()
        codes.append(client.get(_page("z" * 43)).status_code)
    assert codes == [404, 404, 404, 429]
    assert "10.0.0.1" not in str(list(RateCounter.objects.values_list("key", flat=True)))
