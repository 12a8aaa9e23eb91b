"""`observation_visible_to` (the follow-up API's fast path) and `observation_list`
(`_visible_q`) apply one visibility rule: for every persona and observation they agree."""

from __future__ import annotations

import pytest

from bastion.access.scoping import forget_scope
from bastion.monitoring.models import TeamMember, TeamTemplateRole
from bastion.monitoring.selectors import observations as observation_selectors
from bastion.monitoring.selectors.observations import observation_list, observation_visible_to
from bastion.monitoring.services.observations import observation_register

PERSONAS = ["gridworker", "teammember", "outsider", "nobody", "town", "command"]


@pytest.fixture
def observations(county, policy, observation) -> dict:
    """zhang (grid A1-1, full team), wang (grid A1-2), zhao (town B); the team member
    takes a seat in zhao's team, the outsider one in wang's."""
    found = {"zhang": observation}
    for key in ("wang", "zhao"):
        found[key] = observation_register(
            actor=county.command,
            policy=policy,
            person=county.people[key],
            origin="湖北省武汉市",
            arrived_on=observation.arrived_on,
        )
    seat = TeamTemplateRole.objects.get(template=policy.team_template, code="police")
    for key, user in (("zhao", county.teammember), ("wang", county.outsider)):
        TeamMember.objects.filter(observation=found[key], seat=seat).delete()
        TeamMember.objects.create(observation=found[key], seat=seat, user=user)
        forget_scope(user)
    return found


@pytest.mark.parametrize("inline", [1000, 0], ids=["inlined-ids", "union-subquery"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_fast_path_visibility_agrees_with_observation_list(
    county, observations, monkeypatch, persona, inline
):
    monkeypatch.setattr(observation_selectors, "_INLINE_TEAM_IDS", inline)
    user = getattr(county, persona)
    listed = set(observation_list(user=user).values_list("pk", flat=True))
    for key, observation in observations.items():
        assert observation_visible_to(user, observation) == (observation.pk in listed), key


def test_agreement_covers_both_grants_and_seats(county, observations):
    """The fixture is not vacuous: each persona sees a different, non-trivial slice."""

    def seen(persona):
        user = getattr(county, persona)
        return {k for k, o in observations.items() if observation_visible_to(user, o)}

    assert seen("command") == {"zhang", "wang", "zhao"}
    assert seen("town") == {"zhang", "wang"}
    assert seen("gridworker") == {"zhang"}
    assert seen("teammember") == {"zhao"}
    assert seen("outsider") == {"wang", "zhao"}
    assert seen("nobody") == set()
