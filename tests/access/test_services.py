"""Grants and responsibility assignments: audited, paths from the target, scope refreshed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bastion.access.models import Assignment, RoleAssignment
from bastion.access.roles import Role
from bastion.access.scoping import restrict_people, scope_memo, scope_of
from bastion.access.services import (
    assignment_create,
    assignment_delete,
    assignment_target,
    role_assign,
    role_revoke,
)
from bastion.core.models import AuditEntry
from bastion.people.models import Person


def visible_names(user):
    return set(restrict_people(Person.objects.all(), user).values_list("name", flat=True))


def test_role_assign_and_revoke_are_audited_and_take_effect(county):
    nobody = county.nobody
    assert visible_names(nobody) == set()
    grant = role_assign(
        actor=county.command, user=nobody, role=Role.GRID_WORKER, region=county.grid_a1_2
    )
    assert grant.region_path == county.grid_a1_2.path
    assert grant.granted_by == county.command
    assert visible_names(nobody) == {"王小明"}  # the cached scope was dropped
    entry = AuditEntry.objects.get(action="grant")
    assert entry.actor == county.command
    assert entry.path == county.grid_a1_2.path
    assert entry.changes["role"] == [None, "grid_worker"]

    role_revoke(actor=county.command, grant=grant)
    assert not RoleAssignment.objects.filter(pk=grant.pk).exists()
    assert visible_names(nobody) == set()
    assert AuditEntry.objects.filter(action="revoke", path=county.grid_a1_2.path).exists()


def test_role_assign_rejects_unknown_role_and_missing_scope(county):
    with pytest.raises(ValidationError):
        role_assign(actor=county.command, user=county.nobody, role="emperor", region=county.county)
    with pytest.raises(ValidationError):
        role_assign(actor=county.command, user=county.nobody, role=Role.GRID_WORKER)


def test_org_scoped_role(county):
    grant = role_assign(
        actor=county.command, user=county.nobody, role=Role.ORG_DEPARTMENT, org_path="/org/1/"
    )
    assert grant.region is None
    assert scope_of(county.nobody).org_paths


@pytest.mark.parametrize("kind", ["grid", "household", "person"])
def test_assignment_takes_its_path_from_the_target(county, kind):
    zhang = county.people["zhang"]
    target = {
        "grid": {"region": county.grid_a1_1},
        "household": {"household": zhang.household},
        "person": {"person": zhang},
    }[kind]
    member = county.teammember
    assignment = assignment_create(actor=county.community, user=member, kind=kind, **target)
    assert assignment.path == county.grid_a1_1.path
    assert "张建国" in visible_names(member)
    assert AuditEntry.objects.filter(action="grant", changes__assignment=[None, kind]).exists()
    assignment_delete(actor=county.community, assignment=assignment)
    assert "张建国" not in visible_names(member)
    assert AuditEntry.objects.filter(action="revoke").exists()


def test_assignment_validation(county):
    with pytest.raises(ValidationError):
        assignment_create(actor=county.command, user=county.nobody, kind="grid")
    with pytest.raises(ValidationError):
        assignment_create(
            actor=county.command, user=county.nobody, kind="grid", region=county.community_a1
        )
    with pytest.raises(ValidationError):
        assignment_create(actor=county.command, user=county.nobody, kind="street", region=None)
    assert not Assignment.objects.filter(user=county.nobody).exists()


def test_assignment_create_refuses_a_second_identical_assignment(county):
    """The rule lives in the plain service, so team seats, the admin and the manage
    pages all keep one row per user and target."""
    wang = county.people["wang"]
    assert Assignment.objects.filter(user=county.teammember, person=wang).count() == 1
    with pytest.raises(ValidationError) as exc:
        assignment_create(actor=county.command, user=county.teammember, kind="person", person=wang)
    assert "user" in exc.value.message_dict
    assert Assignment.objects.filter(user=county.teammember, person=wang).count() == 1


def test_assignment_target_picks_the_object_named_by_the_kind(county):
    zhang = county.people["zhang"]
    given = {"region": county.grid_a1_1, "household": zhang.household, "person": zhang}
    assert assignment_target(kind="grid", **given) == county.grid_a1_1
    assert assignment_target(kind="household", **given) == zhang.household
    assert assignment_target(kind="person", **given) == zhang
    assert assignment_target(kind="street", **given) is None
    assert assignment_target(kind="person", region=county.grid_a1_1) is None


@pytest.mark.parametrize("change", ["assign", "revoke"])
def test_grant_changes_drop_what_other_apps_memoised_beside_the_scope(county, change):
    member = county.teammember
    zhang = county.people["zhang"]
    assignment = (
        assignment_create(actor=county.command, user=member, kind="person", person=zhang)
        if change == "revoke"
        else None
    )
    assert scope_memo(member, "test.key", lambda: "before") == "before"
    if change == "assign":
        assignment_create(actor=county.command, user=member, kind="person", person=zhang)
    else:
        assignment_delete(actor=county.command, assignment=assignment)
    assert scope_memo(member, "test.key", lambda: "after") == "after"
