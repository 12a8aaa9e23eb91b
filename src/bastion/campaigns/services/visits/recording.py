"""Recording a household visit in the campaign's current round, with the materials
handed out at the door."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.campaigns.models import (
    CONCLUSIVE,
    Campaign,
    DistributionAction,
    HouseholdVisit,
    MaterialDistribution,
    Outcome,
    VisitState,
)
from bastion.campaigns.selectors.campaigns import campaign_households
from bastion.campaigns.services.common import discard_files, user_or_none
from bastion.campaigns.services.visits.findings import findings_save
from bastion.campaigns.services.visits.state import state_advance
from bastion.campaigns.services.visits.validation import (
    FindingInput,
    MaterialInput,
    validate_visit,
)
from bastion.core.audit import Action, audit_record
from bastion.core.uploads import IMAGES, upload_store
from bastion.geo.models import Household

logger = logging.getLogger("bastion.campaigns")


@dataclass
class VisitResult:
    visit: HouseholdVisit
    created: bool
    warnings: list[str] = field(default_factory=list)


def visit_record(
    *,
    actor,
    campaign: Campaign,
    household: Household,
    outcome: str,
    people_present: int = 0,
    findings: list[FindingInput] | tuple = (),
    materials: list[MaterialInput] | tuple = (),
    note: str = "",
    photo=None,
    visited_at: dt.datetime | None = None,
    latitude=None,
    longitude=None,
    entry_key: str = "",
    now: dt.datetime | None = None,
) -> VisitResult:
    """Record a visit in the campaign's current round.

    Http404 when the household is not in the campaign or not in the actor's VISIT_RECORD
    scope; ValidationError for bad input, a closed campaign, or a household already
    settled this round. With an `entry_key` the actor already used, the first visit is
    returned (created=False) and nothing is written.
    """
    now = now or timezone.now()
    visited_at = visited_at or now
    findings = list(findings)
    materials = list(materials)
    note = (note or "").strip()
    entry_key = (entry_key or "").strip()
    lat, lng = validate_visit(
        campaign=campaign,
        household=household,
        outcome=outcome,
        people_present=people_present,
        findings=findings,
        materials=materials,
        note=note,
        visited_at=visited_at,
        now=now,
        latitude=latitude,
        longitude=longitude,
        entry_key=entry_key,
    )
    if (
        not campaign_households(user=actor, campaign=campaign, perm=Perm.VISIT_RECORD)
        .filter(pk=household.pk)
        .exists()
    ):
        raise Http404
    recorder = user_or_none(actor)
    stored = None
    try:
        with transaction.atomic():
            Household.objects.select_for_update().filter(pk=household.pk).values_list("pk").get()
            if entry_key and recorder is not None:
                existing = HouseholdVisit.objects.filter(
                    recorded_by=recorder, entry_key=entry_key
                ).first()
                if existing is not None:
                    return VisitResult(visit=existing, created=False)
            state = (
                VisitState.objects.select_for_update()
                .filter(campaign=campaign, round=campaign.current_round, household=household)
                .first()
            )
            if state is not None and state.outcome in CONCLUSIVE:
                raise ValidationError(
                    {
                        "outcome": [
                            _("该户第 %(n)d 轮已登记为“%(outcome)s”；如有错误请更正那条记录")
                            % {
                                "n": campaign.current_round,
                                "outcome": Outcome(state.outcome).label,
                            }
                        ]
                    }
                )
            if photo is not None:
                stored = upload_store(
                    file=photo, actor=actor, allowed=IMAGES, path=household.path, field="photo"
                )
            visit = HouseholdVisit(
                campaign=campaign,
                household=household,
                round=campaign.current_round,
                path=household.path,
                outcome=outcome,
                people_present=people_present,
                note=note,
                photo=stored,
                visited_at=visited_at,
                recorded_at=now,
                recorded_by=recorder,
                latitude=lat,
                longitude=lng,
                entry_key=entry_key,
            )
            visit.full_clean(exclude=["campaign", "household", "photo", "recorded_by"])
            visit.save()
            state_advance(state=state, visit=visit)
            _hand_out(visit=visit, household=household, materials=materials, actor=recorder)
            warnings = findings_save(actor=actor, visit=visit, household=household, rows=findings)
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=visit,
                object_repr=f"{household.label} · {visit.get_outcome_display()}",
                changes={
                    "campaign": [None, str(campaign.public_id)],
                    "household": [None, str(household.public_id)],
                    "round": [None, visit.round],
                    "outcome": [None, outcome],
                    "findings": [None, [f.kind for f in findings]],
                },
            )
    except BaseException:
        discard_files([stored])
        raise
    return VisitResult(visit=visit, created=True, warnings=warnings)


def _hand_out(*, visit, household, materials: list[MaterialInput], actor) -> None:
    MaterialDistribution.objects.bulk_create(
        [
            MaterialDistribution(
                material=item.material,
                action=DistributionAction.HANDED_OUT,
                quantity=item.quantity,
                region_id=household.region_id,
                path=household.path,
                place=household.label[:200],
                distributed_on=timezone.localdate(visit.visited_at),
                recorded_at=visit.recorded_at,
                recorded_by=actor,
                visit=visit,
            )
            for item in materials
        ]
    )
