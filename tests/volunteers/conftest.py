"""Volunteer fixtures on top of the county personas and the party tree.

- Grids A1-1 (113.005, 28.205), A1-2 (113.02, 28.205), B1-1 (113.10, 28.30) have centroids.
- 张建国 (county.people["zhang"], member of the organ branch, lives in A1-1) is registered
  (confirmed) at community A1 and logs in as the `volunteer` persona.
- 李秀英 (county.people["li"], no membership, A1-1) is a resident volunteer of A1 with her
  own login `resident`; community A1 allows resident volunteers.
- `make_task(**overrides)` publishes a community A1 task in grid A1-1, tomorrow 08:00–12:00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from bastion.access.roles import Role
from bastion.geo.models import Region
from bastion.party.models import PartyMember
from bastion.party.services import registration_decide, registration_submit
from bastion.volunteers.models import PublisherKind, Task, TaskKind
from bastion.volunteers.services.config import resident_register, rules_save
from bastion.volunteers.services.tasks import Publisher, TaskInput, task_publish
from tests.conftest import make_user


def seed_kinds() -> None:
    """Transactional tests flush the data migration's kinds; put them back."""
    if not TaskKind.objects.exists():
        import_module("bastion.volunteers.migrations.0002_default_task_kinds").add_kinds(apps, None)


def tomorrow_at(hour: int, minute: int = 0, days: int = 1) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def shift_task(task: Task, *, starts_at: dt.datetime, ends_at: dt.datetime) -> Task:
    """Move a task in time without the services (to test what happens after it ran)."""
    Task.objects.filter(pk=task.pk).update(starts_at=starts_at, ends_at=ends_at)
    task.refresh_from_db()
    return task


@dataclass
class Vol:
    county: object
    party: object
    member: PartyMember
    resident_user: object
    make_task: object


@pytest.fixture
def vol(county, party_tree) -> Vol:
    seed_kinds()
    for grid, (lng, lat) in (
        (county.grid_a1_1, (113.005, 28.205)),
        (county.grid_a1_2, (113.02, 28.205)),
        (county.grid_b1_1, (113.10, 28.30)),
    ):
        Region.objects.filter(pk=grid.pk).update(centroid_lng=lng, centroid_lat=lat)
        grid.refresh_from_db()
    member = party_tree.members["zhang"]
    PartyMember.objects.filter(pk=member.pk).update(user=county.volunteer)
    member.refresh_from_db()
    registration = registration_submit(
        actor=None, member=member, community=county.community_a1, channel="online"
    )
    registration_decide(actor=None, registration=registration, confirm=True)
    rules_save(
        actor=None,
        region=county.community_a1,
        allow_residents=True,
        cancel_deadline_hours=2,
        minutes_per_point=30,
        points_per_unit=1,
        public_requests=True,
    )
    resident_user = make_user("resident", Role.VOLUNTEER, county.community_a1)
    resident_register(
        actor=None, person=county.people["li"], home_grid=county.grid_a1_1, user=resident_user
    )

    def make_task(**overrides) -> Task:
        fields = {
            "title": "小区门岗值守",
            "kind": "door_duty",
            "location_kind": "grid",
            "region": county.grid_a1_1,
            "slots": 2,
            "protection": "口罩、手套",
            "contact_name": "易主任",
            "contact_phone": "13700001111",
        }
        starts_at = overrides.pop("starts_at", tomorrow_at(8))
        ends_at = overrides.pop("ends_at", tomorrow_at(12))
        publisher = overrides.pop(
            "publisher", Publisher(PublisherKind.COMMUNITY, community=county.community_a1)
        )
        actor = overrides.pop("actor", county.community)
        fields.update(overrides)
        return task_publish(
            actor=actor,
            publisher=publisher,
            data=TaskInput(**fields),
            starts_at=starts_at,
            ends_at=ends_at,
        )

    return Vol(county, party_tree, member, resident_user, make_task)


@pytest.fixture
def api_login(client):
    from tests.mixins import api_login_client

    return lambda user: api_login_client(client, user)
