"""Observations follow their person: when a person's grid changes (a move, or the merge
of a provisional record), every observation of theirs and the records that carry its
region (follow-ups, alerts, home services, arrivals) move to the new path, and the
team of an active observation is brought in line with the new place.

Called through people's `person_relocated` (MonitoringConfig.person_moved).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.audit import Action, audit_record
from bastion.monitoring.models import (
    Alert,
    Arrival,
    FollowUp,
    Observation,
    ObservationStatus,
    ServiceRequest,
)
from bastion.monitoring.services.team import team_candidates, team_propose, team_set


@transaction.atomic
def observations_follow_person(*, actor, person) -> int:
    """Move the person's observations (and their records) to the person's grid; returns
    how many moved. A person under active observation cannot be left without a grid."""
    observations = list(Observation.objects.select_for_update().filter(person=person))
    if person.region_id is None:
        if any(o.status == ObservationStatus.ACTIVE for o in observations):
            raise ValidationError({"grid": [_("此人正在居家观察，不能清除所属网格")]})
        return 0
    moved = [
        o for o in observations if (o.path, o.household_id) != (person.path, person.household_id)
    ]
    if moved:
        ids = [o.pk for o in moved]
        Observation.objects.filter(pk__in=ids).update(
            region_id=person.region_id, path=person.path, household_id=person.household_id
        )
        for model in (FollowUp, Alert, ServiceRequest):
            model.objects.filter(observation_id__in=ids).update(path=person.path)
        for observation in moved:
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                obj=observation,
                path=person.path,
                changes={"path": [observation.path, person.path]},
                reason="person_moved",
            )
    Arrival.objects.filter(person=person).exclude(path=person.path).update(path=person.path)
    for observation in moved:
        if observation.status == ObservationStatus.ACTIVE:
            observation.refresh_from_db()
            _team_follow_place(actor=actor, observation=observation)
    return len(moved)


def _team_follow_place(*, actor, observation: Observation) -> None:
    """Seat holders no longer eligible at the new place give way to the standing seat
    duties there (or leave the seat empty); eligible holders stay."""
    eligible = set(team_candidates(observation=observation).values_list("pk", flat=True))
    seated = {m.seat.code: m.user for m in observation.team.select_related("seat", "user")}
    members = {}
    for seat, proposed in team_propose(observation=observation):
        holder = seated.get(seat.code)
        if holder is not None and holder.pk in eligible:
            continue
        if holder is not None or proposed is not None:
            members[seat.code] = proposed
    if members:
        team_set(actor=actor, observation=observation, members=members)
