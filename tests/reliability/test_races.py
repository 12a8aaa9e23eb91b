"""Races and replays over HTTP with real concurrency (issue 13).

Fifty requests or more are released at once against pytest-django's live server, each
from its own thread and connection; the server serves up to SERVER_WORKERS of them at
a time, each on its own PostgreSQL connection (as gunicorn's sync workers would).

- The same POST with the same Idempotency-Key, sent 50 times at once, writes one record
  and every caller gets the same response (a follow-up, a household visit, a claim).
- The last units of stock, the last yuan of a party-fee grant and the last volunteer
  slot are never overdrawn by 50 requests at once.

PostgreSQL only: pytest-django's SQLite test database is one in-memory connection that
threads share, so there is no concurrency to prove there (these tests skip on SQLite;
production SQLite serializes writers with IMMEDIATE transactions).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from bastion.campaigns.models import HouseholdVisit
from bastion.core.models import IdempotencyRecord
from bastion.monitoring.models import FollowUp
from bastion.monitoring.services.observations import observation_register
from bastion.party.models import FeeEntry, FeeEntryKind
from bastion.party.services import fee_grant_create
from bastion.supplies.selectors.ledger import lot_balances
from bastion.supplies.services.stock import stock_write_off
from bastion.volunteers.models import Claim, ClaimStatus
from tests.live import bearer_headers, bounded, fire, request
from tests.party.conftest import png_file

pytestmark = pytest.mark.django_db(transaction=True)

AT_ONCE = 50


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite's test database is one connection)")


def _same_key_at_once(live_server, headers: dict, path: str, body: dict):
    """POST `body` to `path` AT_ONCE times at once with one Idempotency-Key."""
    key = str(uuid.uuid4())
    keyed = {**headers, "Idempotency-Key": key}
    with bounded(live_server) as server:
        results = fire(lambda: request(live_server.url, "POST", path, keyed, body), [()] * AT_ONCE)
    assert server["peak"] > 1, "the requests were not handled concurrently"
    statuses = [status for status, _body, _headers in results]
    bodies = [parsed for _status, parsed, _headers in results]
    replays = [h.get("Idempotent-Replay") for _s, _b, h in results]
    assert IdempotencyRecord.objects.filter(key=key).count() == 1
    return statuses, bodies, replays


def _assert_one_answer(statuses, bodies, replays, status=201):
    assert set(statuses) == {status}, statuses
    assert all(body == bodies[0] for body in bodies), "every caller gets the first response"
    assert replays.count("true") == AT_ONCE - 1  # one ran, every other one replayed it


def test_fifty_retries_of_one_followup_write_one_followup(live_server, county, policy,
                                                          monitoring_users):  # fmt: skip
    observation = observation_register(
        actor=county.gridworker,
        policy=policy,
        person=county.people["zhang"],
        origin="湖北省武汉市",
        arrived_on=timezone.localdate() - dt.timedelta(days=2),
    )
    path = f"/api/v1/monitoring/observations/{observation.public_id}/followups"
    body = {"temperature": "36.7", "symptoms": [], "note": "门口测温"}

    result = _same_key_at_once(live_server, bearer_headers(county.gridworker), path, body)

    _assert_one_answer(*result)
    assert FollowUp.objects.filter(observation=observation).count() == 1
    assert result[1][0]["ref"] == "1"


def test_fifty_retries_of_one_visit_write_one_visit(live_server, county, campaign, households):
    path = f"/api/v1/campaigns/campaigns/{campaign.public_id}/visits"
    body = {"household": str(households["h11"].public_id), "outcome": "visited",
            "people_present": 2}  # fmt: skip

    result = _same_key_at_once(live_server, bearer_headers(county.gridworker), path, body)

    _assert_one_answer(*result)
    assert HouseholdVisit.objects.filter(campaign=campaign).count() == 1


def test_fifty_retries_of_one_claim_hold_one_slot(live_server, county, vol):
    task = vol.make_task(slots=5)
    path = f"/api/v1/volunteers/tasks/{task.public_id}/claim"

    statuses, bodies, replays = _same_key_at_once(
        live_server, bearer_headers(vol.resident_user), path, {}
    )

    _assert_one_answer(statuses, bodies, replays)
    task.refresh_from_db()
    assert task.claimed_count == 1
    assert Claim.objects.filter(task=task, status=ClaimStatus.CLAIMED).count() == 1


def test_fifty_write_offs_take_the_last_ten_masks_and_no_more(live_server, county, supplies,
                                                              stocked):  # fmt: skip
    warehouse, masks = supplies.warehouse, supplies.masks
    stock_write_off(actor=supplies.keeper, warehouse=warehouse, item=masks, quantity="4990",
                    unit=masks.base_unit, kind="damaged", reason="受潮")  # fmt: skip
    path = f"/api/v1/supplies/warehouses/{warehouse.public_id}/write-offs"
    headers = bearer_headers(supplies.keeper)
    body = {"item": masks.code, "quantity": "1", "kind": "damaged", "reason": "破损"}
    jobs = [({**headers, "Idempotency-Key": str(uuid.uuid4())},) for _ in range(AT_ONCE)]

    with bounded(live_server) as server:
        results = fire(lambda h: request(live_server.url, "POST", path, h, body), jobs)

    statuses = [status for status, _b, _h in results]
    assert statuses.count(201) == 10, statuses
    assert statuses.count(422) == AT_ONCE - 10, statuses
    assert server["peak"] > 1
    balances = lot_balances(warehouse_id=warehouse.pk, item_id=masks.pk)
    assert sum(balances.values()) == 0
    assert all(v >= 0 for v in balances.values())


def test_fifty_expenses_spend_the_last_yuan_of_a_grant_once(live_server, county, party_tree):
    grant = fee_grant_create(
        actor=None, grantor=party_tree.root, organization=party_tree.town_a,
        amount="10", purpose="并发测试", granted_on=dt.date(2020, 2, 1),
    )  # fmt: skip
    path = f"/api/v1/party/fee-grants/{grant.public_id}/expenses"
    headers = bearer_headers(party_tree.secretary_a)
    jobs = [({**headers, "Idempotency-Key": str(uuid.uuid4())}, n) for n in range(AT_ONCE)]
    spent_on = timezone.localdate().isoformat()
    photo = png_file()
    receipt = ("receipt.png", "image/png", photo.read())

    def spend(h, n):
        form = {"amount": "1", "spent_on": spent_on, "description": f"口罩{n}"}
        return request(live_server.url, "POST", path, h, form=form, files={"receipt": receipt})

    with bounded(live_server) as server:
        results = fire(spend, jobs)

    statuses = [status for status, _b, _h in results]
    assert statuses.count(201) == 10, results
    assert statuses.count(422) == AT_ONCE - 10, statuses
    assert server["peak"] > 1
    entries = FeeEntry.objects.filter(grant=grant)
    assert entries.filter(kind=FeeEntryKind.EXPENSE).count() == 10
    assert entries.aggregate(total=Sum("amount"))["total"] == Decimal("0.00")
    assert min(entries.values_list("balance_after", flat=True)) >= 0
