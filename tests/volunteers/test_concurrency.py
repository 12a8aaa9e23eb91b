"""Races decided by row locks, proven with real concurrency on PostgreSQL: threads POST to
pytest-django's live server over HTTP, each with its own user and session.

The live server answers at most SERVER_WORKERS requests at a time (as gunicorn's sync
workers would), so the test never needs more database connections than the machine's
PostgreSQL allows; everything else waits in the listen queue. On SQLite these tests
skip: its in-memory test database is one shared connection, writers serialize anyway.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from bastion.access.models import RoleAssignment, User
from bastion.access.roles import Role
from bastion.people.models import Person
from bastion.volunteers.models import Claim, ClaimStatus, ResidentVolunteer, Task
from bastion.volunteers.services.claims import claim_create
from tests.live import bounded, fire, post, session_for
from tests.volunteers.conftest import tomorrow_at

pytestmark = pytest.mark.django_db(transaction=True)

CLAIMANTS = 200


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite's test database is one connection)")


def _residents(county, n: int) -> list[User]:
    """`n` resident volunteers of community A1, each with a login and role (bulk, fast)."""
    grid = county.grid_a1_2
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(username=f"racer{i:03d}", full_name=f"志愿者{i}", password=password)
            for i in range(n)
        ]
    )
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(
                user=u,
                role=Role.VOLUNTEER,
                region=county.community_a1,
                region_path=county.community_a1.path,
            )
            for u in users
        ]
    )
    people = Person.objects.bulk_create(
        [Person(name=f"志愿者{i}", region=grid, path=grid.path) for i in range(n)]
    )
    ResidentVolunteer.objects.bulk_create(
        [
            ResidentVolunteer(
                person=p, user=u, home_grid=grid, community=county.community_a1, path=grid.path
            )
            for p, u in zip(people, users, strict=True)
        ]
    )
    return users


def test_two_hundred_people_claiming_the_last_slot_get_one_claim(live_server, vol, county):
    task = vol.make_task(slots=3)
    claim_create(actor=county.volunteer, task=task)
    claim_create(actor=county.community, task=task, person=county.people["li"])
    task.refresh_from_db()
    assert task.free_slots == 1
    sessions = [session_for(u) for u in _residents(county, CLAIMANTS)]
    path = f"/api/v1/volunteers/tasks/{task.public_id}/claim"

    with bounded(live_server) as server:
        results = fire(
            lambda path, s, body: post(live_server.url, path, s, body),
            [(path, s, {}) for s in sessions],
        )

    codes = [status for status, _body in results]
    assert codes.count(201) == 1, codes
    assert codes.count(409) == CLAIMANTS - 1, codes
    refusals = [body for status, body in results if status == 409]
    assert {b["code"] for b in refusals} == {"task_full"}
    assert all("候补" in b["message"] for b in refusals)  # the waiting list is offered
    assert server["peak"] > 1, "the requests were not handled concurrently"
    task.refresh_from_db()
    assert task.claimed_count == task.slots == 3
    assert Claim.objects.filter(task=task, status=ClaimStatus.CLAIMED).count() == 3


def test_one_person_claiming_overlapping_tasks_at_once_holds_one(live_server, vol, county):
    tasks = [
        vol.make_task(title=f"同时段{i}", starts_at=tomorrow_at(8), ends_at=tomorrow_at(12))
        for i in range(12)
    ]
    user = vol.resident_user
    sessions = [session_for(user) for _ in tasks]  # one person on many phones
    jobs = [
        (f"/api/v1/volunteers/tasks/{t.public_id}/claim", s, {})
        for t, s in zip(tasks, sessions, strict=True)
    ]

    with bounded(live_server) as server:
        results = fire(lambda path, s, body: post(live_server.url, path, s, body), jobs)

    codes = [status for status, _body in results]
    assert codes.count(201) == 1, results
    assert {body["code"] for status, body in results if status != 201} == {"overlap"}
    assert server["peak"] > 1
    assert Claim.objects.filter(user=user, status=ClaimStatus.CLAIMED).count() == 1
    assert sum(Task.objects.filter(pk__in=[t.pk for t in tasks]).values_list(
        "claimed_count", flat=True)) == 1  # fmt: skip


def test_waiting_list_joined_at_once_keeps_its_order_and_counts(live_server, vol, county):
    task = vol.make_task(slots=1)
    claim_create(actor=county.volunteer, task=task)
    sessions = [session_for(u) for u in _residents(county, 40)]
    path = f"/api/v1/volunteers/tasks/{task.public_id}/claim"

    with bounded(live_server):
        results = fire(
            lambda path, s, body: post(live_server.url, path, s, body),
            [(path, s, {"waitlist": True}) for s in sessions],
        )

    assert [status for status, _ in results].count(201) == 40
    task.refresh_from_db()
    waiting = Claim.objects.filter(task=task, status=ClaimStatus.WAITING)
    assert task.waiting_count == waiting.count() == 40
    assert task.claimed_count == 1
