"""Claims: eligibility, the hard cap, the overlap rule, the waiting list, cancellation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from freezegun import freeze_time

from bastion.access.models import Notification
from bastion.access.roles import Role
from bastion.access.scoping import forget_scope
from bastion.core.models import AuditEntry
from bastion.volunteers.models import Claim, ClaimStatus, ResidentVolunteer, Task
from bastion.volunteers.services.claims import TaskFull, claim_cancel, claim_create
from bastion.volunteers.services.config import resident_register, rules_save
from tests.conftest import make_person, make_user
from tests.volunteers.conftest import shift_task, tomorrow_at


def _resident(county, name: str, grid=None):
    """Another resident volunteer of community A1 with a login."""
    grid = grid or county.grid_a1_2
    user = make_user(f"r_{name}", Role.VOLUNTEER, county.community_a1)
    person = make_person(grid, name)
    resident_register(actor=None, person=person, home_grid=grid, user=user)
    return user, person


def test_registered_member_claims_online(vol):
    task = vol.make_task()
    result = claim_create(actor=vol.county.volunteer, task=task)
    assert result.created
    claim = result.claim
    assert claim.status == ClaimStatus.CLAIMED and claim.channel == "online"
    assert claim.member == vol.member and claim.user == vol.county.volunteer
    task.refresh_from_db()
    assert task.claimed_count == 1
    assert AuditEntry.objects.filter(object_id=str(claim.public_id), action="create").exists()


def test_claiming_again_returns_the_same_claim(vol):
    task = vol.make_task()
    first = claim_create(actor=vol.county.volunteer, task=task)
    again = claim_create(actor=vol.county.volunteer, task=task)
    assert not again.created and again.claim.pk == first.claim.pk
    task.refresh_from_db()
    assert task.claimed_count == 1


def test_last_slot_taken_gives_task_full_and_waiting_list_on_request(vol):
    task = vol.make_task(slots=1)
    claim_create(actor=vol.county.volunteer, task=task)
    with pytest.raises(TaskFull) as excinfo:
        claim_create(actor=vol.resident_user, task=task)
    assert excinfo.value.code == "task_full"
    assert "候补" in excinfo.value.messages[0]
    waiting = claim_create(actor=vol.resident_user, task=task, waitlist=True).claim
    assert waiting.status == ClaimStatus.WAITING
    task.refresh_from_db()
    assert (task.claimed_count, task.waiting_count) == (1, 1)


def test_member_not_registered_at_the_community_cannot_claim(vol, county):
    task = vol.make_task(region=county.grid_a1_1)
    outsider_member = vol.party.members["zhao"]  # registered nowhere
    with pytest.raises(ValidationError) as excinfo:
        claim_create(actor=county.community, task=task, person=outsider_member.person)
    assert "报到" in excinfo.value.messages[0]


def test_resident_cannot_claim_when_the_community_does_not_allow_residents(vol, county):
    rules_save(
        actor=None,
        region=county.community_a1,
        allow_residents=False,
        cancel_deadline_hours=2,
        minutes_per_point=30,
        points_per_unit=1,
        public_requests=True,
    )
    task = vol.make_task()
    with pytest.raises(ValidationError) as excinfo:
        claim_create(actor=vol.resident_user, task=task)
    assert "居民志愿者" in excinfo.value.messages[0]
    assert not Claim.objects.exists()


def test_login_without_volunteer_identity_is_told_so(vol, county):
    task = vol.make_task()
    stranger = make_user("stranger", Role.VOLUNTEER, county.community_a1)
    with pytest.raises(ValidationError) as excinfo:
        claim_create(actor=stranger, task=task)
    assert excinfo.value.code == "not_volunteer"


def test_outsider_cannot_claim_or_see(vol, county):
    task = vol.make_task()
    with pytest.raises(Http404):
        claim_create(actor=county.outsider, task=task)


def test_grid_worker_sees_but_may_not_claim_for_others(vol, county):
    task = vol.make_task()
    with pytest.raises(PermissionDenied):
        claim_create(actor=county.gridworker, task=task, person=county.people["li"])


def test_staff_claim_offline_for_a_resident_and_the_resident_is_told(vol, county):
    task = vol.make_task()
    claim = claim_create(actor=county.community, task=task, person=county.people["li"]).claim
    assert claim.channel == "offline" and claim.user == vol.resident_user
    note = Notification.objects.get(recipient=vol.resident_user)
    assert task.title in note.title


def test_overlapping_claims_are_refused(vol, county):
    first = vol.make_task(starts_at=tomorrow_at(8), ends_at=tomorrow_at(12))
    second = vol.make_task(
        title="卡口测温", kind="checkpoint", starts_at=tomorrow_at(11), ends_at=tomorrow_at(14)
    )
    claim_create(actor=vol.county.volunteer, task=first)
    with pytest.raises(ValidationError) as excinfo:
        claim_create(actor=vol.county.volunteer, task=second)
    assert excinfo.value.code == "overlap"
    assert "小区门岗值守" in excinfo.value.messages[0]
    # Back-to-back is not an overlap.
    third = vol.make_task(title="下午巡查", kind="patrol", starts_at=tomorrow_at(12),
                          ends_at=tomorrow_at(15))  # fmt: skip
    assert claim_create(actor=vol.county.volunteer, task=third).created


def test_waiting_claims_count_for_the_overlap_rule(vol, county):
    full = vol.make_task(slots=1)
    claim_create(actor=county.community, task=full, person=county.people["li"])
    claim_create(actor=vol.county.volunteer, task=full, waitlist=True)
    clash = vol.make_task(title="卡口", kind="checkpoint", starts_at=tomorrow_at(9),
                          ends_at=tomorrow_at(10))  # fmt: skip
    with pytest.raises(ValidationError):
        claim_create(actor=vol.county.volunteer, task=clash)


def test_cancelled_task_frees_the_time_for_another_claim(vol, county):
    from bastion.volunteers.services.tasks import task_cancel

    first = vol.make_task()
    claim_create(actor=vol.county.volunteer, task=first)
    task_cancel(actor=county.community, task=first, reason="天气原因")
    other = vol.make_task(title="另一班")
    assert claim_create(actor=vol.county.volunteer, task=other).created


def test_waiting_list_moves_up_in_order_and_the_promoted_person_is_told(vol, county):
    task = vol.make_task(slots=1)
    holder = claim_create(actor=vol.county.volunteer, task=task).claim
    second_user, _ = _resident(county, "周二")
    third_user, _ = _resident(county, "吴三")
    second = claim_create(actor=second_user, task=task, waitlist=True).claim
    third = claim_create(actor=third_user, task=task, waitlist=True).claim
    Notification.objects.all().delete()

    claim_cancel(actor=vol.county.volunteer, claim=holder, reason="临时有事")

    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == ClaimStatus.CLAIMED and second.holding_since is not None
    assert third.status == ClaimStatus.WAITING
    task.refresh_from_db()
    assert (task.claimed_count, task.waiting_count) == (1, 1)
    notes = Notification.objects.filter(recipient=second_user)
    assert notes.count() == 1 and "候补成功" in notes.get().title
    assert not Notification.objects.filter(recipient=third_user).exists()


def test_more_slots_promote_the_waiting_list(vol, county):
    from bastion.volunteers.services.tasks import TaskInput, task_update

    task = vol.make_task(slots=1)
    claim_create(actor=vol.county.volunteer, task=task)
    claim_create(actor=vol.resident_user, task=task, waitlist=True)
    data = TaskInput(title=task.title, kind="door_duty", location_kind="grid",
                     region=county.grid_a1_1, slots=2)  # fmt: skip
    task_update(actor=county.community, task=task, data=data, starts_at=task.starts_at,
                ends_at=task.ends_at)  # fmt: skip
    assert Claim.objects.get(user=vol.resident_user).status == ClaimStatus.CLAIMED


def test_volunteer_cancels_until_the_deadline_then_is_refused(vol, county):
    task = vol.make_task()
    claim = claim_create(actor=vol.county.volunteer, task=task).claim
    deadline = task.starts_at - dt.timedelta(hours=2)
    with freeze_time(deadline + dt.timedelta(minutes=1)):
        with pytest.raises(ValidationError) as excinfo:
            claim_cancel(actor=vol.county.volunteer, claim=claim)
        assert excinfo.value.code == "deadline_passed"
    with freeze_time(deadline - dt.timedelta(minutes=1)):
        claim_cancel(actor=vol.county.volunteer, claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CANCELLED


def test_the_deadline_follows_the_community_rule(vol, county):
    rules_save(
        actor=county.community,
        region=county.community_a1,
        allow_residents=True,
        cancel_deadline_hours=24,
        minutes_per_point=30,
        points_per_unit=1,
        public_requests=True,
    )
    task = vol.make_task(starts_at=tomorrow_at(8, days=2), ends_at=tomorrow_at(12, days=2))
    claim = claim_create(actor=vol.county.volunteer, task=task).claim
    with freeze_time(task.starts_at - dt.timedelta(hours=23)):
        with pytest.raises(ValidationError):
            claim_cancel(actor=vol.county.volunteer, claim=claim)


def test_staff_cancel_a_claim_after_the_deadline_and_the_volunteer_is_told(vol, county):
    task = vol.make_task()
    claim = claim_create(actor=vol.county.volunteer, task=task).claim
    with freeze_time(task.starts_at - dt.timedelta(minutes=30)):
        claim_cancel(actor=county.community, claim=claim, reason="人员调整")
    note = Notification.objects.get(recipient=vol.county.volunteer)
    assert note.level == "warning" and note.body == "人员调整"


def test_cancelling_twice_changes_nothing(vol):
    task = vol.make_task()
    claim = claim_create(actor=vol.county.volunteer, task=task).claim
    claim_cancel(actor=vol.county.volunteer, claim=claim)
    claim_cancel(actor=vol.county.volunteer, claim=claim)
    task.refresh_from_db()
    assert task.claimed_count == 0


def test_no_claims_once_the_task_started(vol):
    task = vol.make_task()
    now = timezone.now()
    shift_task(task, starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2))
    with pytest.raises(ValidationError) as excinfo:
        claim_create(actor=vol.county.volunteer, task=task)
    assert excinfo.value.code == "task_started"


def test_team_members_may_claim_their_team_tasks(vol, county, party_tree):
    from bastion.party.services import team_create, team_member_add
    from bastion.volunteers.models import PublisherKind
    from bastion.volunteers.services.tasks import Publisher

    team = team_create(
        actor=None,
        organization=party_tree.orgs["town_a"],
        kind="volunteer_service",
        name="星沙党员志愿服务队",
        region=county.town_a,
    )
    wang = party_tree.members["wang"]  # not registered anywhere
    user = make_user("wang_login", Role.VOLUNTEER, county.community_a1)
    type(wang).objects.filter(pk=wang.pk).update(user=user)
    task = vol.make_task(
        publisher=Publisher(PublisherKind.TEAM, team=team),
        actor=party_tree.users["secretary_a"],
        region=county.grid_a1_2,
    )
    with pytest.raises(ValidationError):
        claim_create(actor=user, task=task)
    team_member_add(actor=None, team=team, person=wang.person)
    forget_scope(user)
    assert claim_create(actor=user, task=task).created


def test_left_resident_cannot_claim(vol, county):
    from bastion.volunteers.services.config import resident_leave

    resident = ResidentVolunteer.objects.get(person=county.people["li"])
    resident_leave(actor=county.community, resident=resident)
    forget_scope(vol.resident_user)
    task = vol.make_task()
    with pytest.raises((ValidationError, Http404)):
        claim_create(actor=vol.resident_user, task=task)
    assert Task.objects.get(pk=task.pk).claimed_count == 0


def test_a_volunteer_who_cancels_tells_the_publisher_and_the_leader(vol, county):
    task = vol.make_task()
    Task.objects.filter(pk=task.pk).update(leader=county.gridworker)
    task.refresh_from_db()
    claim = claim_create(actor=vol.county.volunteer, task=task).claim
    claim_cancel(actor=vol.county.volunteer, claim=claim, reason="家中有事")
    told = Notification.objects.filter(body="家中有事")
    assert set(told.values_list("recipient", flat=True)) == {
        county.community.pk,
        county.gridworker.pk,
    }
    assert all("张" in n.title and "张建国" not in n.title for n in told)  # masked name
    assert not Notification.objects.filter(recipient=vol.county.volunteer).exists()
