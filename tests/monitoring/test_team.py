"""Team proposal from seat duties, editing, and what a team member may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from bastion.access.models import Assignment
from bastion.monitoring.models import SeatAssignment
from bastion.monitoring.selectors.observations import observation_get, observation_list
from bastion.monitoring.services.observations import observation_end, observation_register
from bastion.monitoring.services.team import team_propose, team_set
from bastion.people.selectors import person_list
from tests.conftest import make_user


def test_nearest_seat_duty_wins(observation, county, monitoring_users):
    grid_doctor = make_user("grid_doctor")
    SeatAssignment.objects.create(
        user=grid_doctor,
        seat_code="village_doctor",
        region=county.grid_a1_1,
        path=county.grid_a1_1.path,
    )
    proposal = {seat.code: user for seat, user in team_propose(observation=observation)}
    assert proposal["village_doctor"] == grid_doctor
    assert proposal["police"] == monitoring_users["police"]


def test_empty_seat_when_nobody_holds_the_duty(county, policy):
    obs = observation_register(
        actor=county.command,
        policy=policy,
        person=county.people["zhao"],
        origin="武汉",
        arrived_on=dt.date(2026, 3, 1),
    )
    assert all(user is None for _seat, user in team_propose(observation=obs))
    assert obs.team.count() == 0


def test_team_member_sees_only_their_people(observation, doctor, county):
    assert list(observation_list(user=doctor)) == [observation]
    assert set(person_list(user=doctor)) == {county.people["zhang"]}
    other = observation_register(
        actor=county.command,
        policy=observation.policy,
        person=county.people["zhao"],
        origin="武汉",
        arrived_on=dt.date(2026, 3, 1),
    )
    with pytest.raises(Http404):
        observation_get(user=doctor, public_id=other.public_id)


def test_team_edit_moves_access(observation, county, doctor, police):
    substitute = make_user("substitute", "team_member", county.town_a)
    team_set(
        actor=county.gridworker, observation=observation, members={"village_doctor": substitute}
    )
    assert observation_get(user=substitute, public_id=observation.public_id) == observation
    assert set(person_list(user=substitute)) == {county.people["zhang"]}
    assert not Assignment.objects.filter(user=doctor, person=county.people["zhang"]).exists()
    with pytest.raises(Http404):
        observation_get(user=doctor, public_id=observation.public_id)
    team_set(actor=county.gridworker, observation=observation, members={"police": None})
    assert not observation.team.filter(seat__code="police").exists()


def test_unknown_seat_is_rejected(observation, county):
    with pytest.raises(ValidationError, match="未知的责任组岗位"):
        team_set(actor=county.gridworker, observation=observation, members={"chef": None})


def test_members_lose_the_person_when_the_observation_ends(observation, county, doctor):
    observation_end(actor=county.gridworker, observation=observation, reason="moved", note="")
    assert list(person_list(user=doctor)) == []
    assert observation_get(user=doctor, public_id=observation.public_id) == observation


def test_a_seat_shows_at_once_even_when_the_user_already_answered_for_the_person(
    observation, county
):
    # A town-A team member already holds a 包人 assignment on 张建国 (say from an earlier
    # team); seating her must still show the observation on her very next read of the
    # same user.
    from bastion.access.roles import Role
    from tests.conftest import make_user

    outsider = make_user("earlier_member", Role.TEAM_MEMBER, county.town_a)
    Assignment.objects.create(
        user=outsider, kind="person", person=observation.person, path=observation.person.path
    )
    assert not observation_list(user=outsider).filter(pk=observation.pk).exists()
    team_set(actor=county.gridworker, observation=observation, members={"police": outsider})
    assert observation_list(user=outsider).filter(pk=observation.pk).exists()
