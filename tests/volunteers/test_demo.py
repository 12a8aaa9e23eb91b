"""The volunteers part of `bastion demo`: the demo volunteer can claim a task near home."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from bastion.access.models import User
from bastion.party.selectors import member_of_user, registration_in_force_covering
from bastion.volunteers.models import Attendance, Claim, ServiceOrder, Task, TaskSeries
from bastion.volunteers.selectors.tasks import nearby_tasks
from bastion.volunteers.services.claims import claim_create

SMALL = ["--towns", "3", "--villages", "2", "--grids", "2", "--households", "3"]


@pytest.fixture
def demo(db):
    call_command("demo", *SMALL, "--seed", "7", verbosity=0)


def test_demo_volunteer_is_a_registered_member_who_sees_and_claims_tasks_near_home(demo):
    user = User.objects.get(username="volunteer")
    member = member_of_user(user)
    assert member is not None
    community = user.roles.get().region
    assert community.name == "松雅社区"
    assert registration_in_force_covering(person_id=member.person_id, region_path=community.path)
    page = nearby_tasks(user=user)
    assert page.home_known and page.rows
    assert page.rows[0][1] == 0.0  # a task in her own grid comes first
    assert Claim.objects.filter(user=user).exists()  # one upcoming shift already hers
    held = set(Claim.objects.filter(user=user).values_list("task_id", flat=True))
    free = [t for t, _d in page.rows if t.claimed_count < t.slots and t.pk not in held]
    created = []
    for task in free:
        try:
            created.append(claim_create(actor=user, task=task).created)
        except ValidationError as exc:  # overlaps her own shift: the only acceptable refusal
            assert exc.code == "overlap"
    assert any(created)


def test_demo_has_history_series_and_orders(demo):
    assert TaskSeries.objects.count() == 1
    assert Task.objects.filter(series__isnull=False).count() == 14
    assert Attendance.objects.filter(outcome="attended").exists()
    assert Attendance.objects.filter(outcome="no_show").exists()
    assert ServiceOrder.objects.filter(status="done", rating__isnull=False).exists()
    assert {o.source for o in ServiceOrder.objects.all()} >= {"staff", "public"}
