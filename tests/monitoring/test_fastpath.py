"""The hot paths tuned for issue 3's speed targets keep their meaning: visibility with
region grants plus team seats (inlined ids or a UNION), the follow-up POST's statements,
corrections in the monitoring counts, and the today page's precomputed row parts."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from bastion.access.scoping import forget_scope, scope_memo, scope_of
from bastion.access.services import api_token_create
from bastion.monitoring.models import Alert, FollowUp, Observation, TeamMember, TeamTemplateRole
from bastion.monitoring.selectors import observations as observation_selectors
from bastion.monitoring.selectors.followups import today_rows
from bastion.monitoring.selectors.monitor import monitor_counts
from bastion.monitoring.selectors.observations import observation_list, observation_visible_to
from bastion.monitoring.services.followups import followup_record

BASE = "/api/v1/monitoring"


@pytest.fixture(autouse=True)
def _urls_built_before_freezing():
    """Build the URLconf (and the API's schemas) with the real clock: pydantic cannot
    generate a schema for freezegun's datetime class."""
    reverse("monitoring:today")


def _seat_outsider(observation, county) -> None:
    """The outsider (grid worker in town B) takes the police seat of a town-A team."""
    seat = TeamTemplateRole.objects.get(template=observation.policy.team_template, code="police")
    TeamMember.objects.filter(observation=observation, seat=seat).delete()
    TeamMember.objects.create(observation=observation, seat=seat, user=county.outsider)
    forget_scope(county.outsider)


def _phone(user) -> Client:
    _token, raw = api_token_create(actor=user, user=user, name="phone")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.parametrize("inline", [1000, 0], ids=["inlined-ids", "union-subquery"])
def test_region_grant_and_team_seat_both_open_observations(
    county, observation, monkeypatch, inline
):
    monkeypatch.setattr(observation_selectors, "_INLINE_TEAM_IDS", inline)
    assert not observation_list(user=county.outsider).filter(pk=observation.pk).exists()
    assert not observation_visible_to(county.outsider, observation)
    _seat_outsider(observation, county)
    assert list(observation_list(user=county.outsider).values_list("pk", flat=True)) == [
        observation.pk
    ]
    assert observation_visible_to(county.outsider, observation)
    # The grid worker still sees it by region (and by her own seat).
    assert observation_list(user=county.gridworker).filter(pk=observation.pk).exists()
    assert observation_visible_to(county.gridworker, observation)


def test_outsider_gets_404_when_recording_without_a_seat(county, observation, in_period):
    path = f"{BASE}/observations/{observation.public_id}/followups"
    body = json.dumps({"temperature": "36.6", "symptoms": []})
    with freeze_time(in_period):
        phone = _phone(county.outsider)
        response = phone.post(path, body, content_type="application/json")
        assert response.status_code == 404
        _seat_outsider(observation, county)
        response = phone.post(path, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["ref"] == "1"


def test_followup_post_statements_stay_few(county, observation, in_period):
    """Token, claim, grants, observation, insert, audit, entry number, stored response
    (+ transaction control); SQLite's portable claim adds a look-up and a savepoint."""
    path = f"{BASE}/observations/{observation.public_id}/followups"
    body = json.dumps({"temperature": "36.6", "symptoms": []})
    with freeze_time(in_period):
        phone = _phone(county.gridworker)
        phone.post(path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="warm")
        with CaptureQueriesContext(connection) as ctx:
            response = phone.post(
                path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k2"
            )
    assert response.status_code == 201, response.content
    sql = [q["sql"] for q in ctx.captured_queries]
    if connection.vendor == "postgresql":
        # One savepoint: the request's transaction inside the test's; no nested ones.
        assert len([s for s in sql if s.startswith("SAVEPOINT")]) <= 1, sql
        work = [s for s in sql if not s.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))]
        assert len(work) <= 8, sql
    else:
        assert len(sql) <= 13, sql
    assert response.json()["ref"] == "2"


def test_a_replayed_post_gets_the_first_entry(county, observation, in_period):
    path = f"{BASE}/observations/{observation.public_id}/followups"
    body = json.dumps({"temperature": "36.6", "symptoms": []})
    key = str(uuid.uuid4())
    with freeze_time(in_period):
        phone = _phone(county.gridworker)
        first = phone.post(path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
        again = phone.post(path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replay"] == "true" and again.json() == first.json()
    assert FollowUp.objects.filter(observation=observation).count() == 1


def test_a_correction_replaces_the_entry_in_the_monitor_counts(county, observation, in_period):
    # Registered (by the fixture, at the real clock) before the frozen day.
    Observation.objects.filter(pk=observation.pk).update(
        created_at=in_period - dt.timedelta(days=3)
    )
    followup = followup_record(
        actor=county.gridworker,
        observation=observation,
        observed_at=in_period,
        temperature="38.5",
        symptoms=[],
        at_home=True,
        now=in_period,
    )
    later = in_period + dt.timedelta(minutes=5)
    before = monitor_counts(user=county.command, now=later)["totals"]
    assert before["abnormal"] == 1 and before["done"] == 1
    followup_record(
        actor=county.gridworker,
        observation=observation,
        observed_at=in_period,
        temperature="36.5",
        symptoms=[],
        at_home=True,
        corrects=followup,
        now=later,
    )
    after = monitor_counts(user=county.command, now=later)["totals"]
    # the fever alert of the replaced entry stays open until someone resolves it, and an
    # open alert keeps the person "abnormal" (the today page's rule)
    assert after["abnormal"] == 1 and after["done"] == 1
    Alert.objects.filter(observation=observation).update(resolved_at=later)
    resolved = monitor_counts(user=county.command, now=later + dt.timedelta(seconds=1))["totals"]
    assert resolved["abnormal"] == 0 and resolved["done"] == 1


def test_a_refused_correction_keeps_the_request_transaction_usable(county, observation, in_period):
    """A correction refused inside the API's (idempotency) transaction is a stored 422."""
    path = f"{BASE}/observations/{observation.public_id}/followups"
    body = json.dumps({"temperature": "36.6", "symptoms": []})
    with freeze_time(in_period):
        phone = _phone(county.gridworker)
        assert phone.post(path, body, content_type="application/json").status_code == 201
        ok = phone.post(
            f"{path}/1/correct", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c1"
        )
        refused = phone.post(
            f"{path}/1/correct", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c2"
        )
        replay = phone.post(
            f"{path}/1/correct", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c2"
        )
    assert ok.status_code == 201
    assert refused.status_code == 422, refused.content
    assert replay.status_code == 422 and replay["Idempotent-Replay"] == "true"


def test_scope_is_one_query_and_forgetting_drops_the_memo(county, django_assert_num_queries):
    user = county.teammember  # a role and a 包人 assignment
    forget_scope(user)
    with django_assert_num_queries(1):
        scope = scope_of(user)
    assert scope.roles and scope.assigned_person_ids == [county.people["wang"].pk]
    calls = []
    assert scope_memo(user, "k", lambda: calls.append(1) or "v") == "v"
    assert scope_memo(user, "k", lambda: calls.append(1) or "w") == "v"
    forget_scope(user)
    assert scope_memo(user, "k", lambda: calls.append(1) or "w") == "w"
    assert len(calls) == 2


def test_today_rows_carry_their_url_and_labels(county, observation, in_period):
    groups, _truncated = today_rows(user=county.gridworker, now=in_period)
    rows = [row for rows in groups.values() for row in rows]
    assert len(rows) == 1
    row = rows[0]
    assert row.record_url == reverse("monitoring:followup_record", args=[observation.public_id])
    assert row.day_label == "第 4 天 / 共 14 天"
    assert row.today_label == "今日 0/1"
