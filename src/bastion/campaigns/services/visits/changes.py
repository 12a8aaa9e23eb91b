"""Changes to a visit already recorded: a correction of the household's latest visit, and
the photo attached after the form."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.campaigns.models import HouseholdVisit, VisitState
from bastion.campaigns.services.common import (
    clean_reason,
    discard_files,
    is_recorder,
    user_or_none,
)
from bastion.campaigns.services.visits.state import state_advance
from bastion.campaigns.services.visits.validation import check_outcome
from bastion.core.audit import Action, audit_record
from bastion.core.uploads import IMAGES, upload_store
from bastion.geo.models import Household


@transaction.atomic
def visit_correct(
    *,
    actor,
    visit: HouseholdVisit,
    outcome: str,
    reason: str,
    people_present: int = 0,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> HouseholdVisit:
    """Replace the household's latest visit of the round by a corrected one (a new entry
    pointing at it). Findings, arrivals and incidents of the original stay as they are.
    The recorder of the visit, or a campaign manager over its place, may correct it."""
    now = now or timezone.now()
    if not is_recorder(actor, visit.recorded_by_id) and not can_on_path(
        actor, Perm.CAMPAIGN_MANAGE, visit.path
    ):
        raise PermissionDenied(_("只有录入人或排查负责人可以更正走访记录"))
    campaign = visit.campaign
    errors: dict[str, list[str]] = {}
    if campaign.closed_at is not None:
        raise ValidationError(_("排查行动已结束，不能再更正"))
    check_outcome(outcome, people_present, errors)
    try:
        reason = clean_reason(reason, message=_("请填写更正原因（至少 %(n)d 个字）"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    note = visit.note if note is None else note.strip()
    if len(note) > 500:
        errors["note"] = [_("备注不能超过 500 字")]
    if not errors and outcome == visit.outcome and people_present == visit.people_present:
        errors["outcome"] = [_("更正后的结果与原记录相同")]
    if errors:
        raise ValidationError(errors)
    Household.objects.select_for_update().filter(pk=visit.household_id).values_list("pk").get()
    state = (
        VisitState.objects.select_for_update()
        .filter(campaign=campaign, round=visit.round, household_id=visit.household_id)
        .first()
    )
    if state is None or state.visit_id != visit.pk:
        raise ValidationError(_("只能更正该户本轮最新的一条走访记录"))
    correction = HouseholdVisit(
        campaign=campaign,
        household_id=visit.household_id,
        round=visit.round,
        path=visit.path,
        outcome=outcome,
        people_present=people_present,
        note=note,
        visited_at=visit.visited_at,
        recorded_at=now,
        recorded_by=user_or_none(actor),
        latitude=visit.latitude,
        longitude=visit.longitude,
        corrects=visit,
        correction_reason=reason[:300],
    )
    correction.save()
    state_advance(state=state, visit=correction)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=correction,
        changes={"corrects": [None, str(visit.public_id)], "outcome": [visit.outcome, outcome]},
        reason=reason,
    )
    return correction


def visit_photo_attach(*, actor, visit: HouseholdVisit, photo) -> HouseholdVisit:
    """Attach the photo of a visit entered without one (a phone that sent the form
    first and the picture when the signal came back). Only its recorder, only once."""
    if not is_recorder(actor, visit.recorded_by_id):
        raise PermissionDenied(_("只有录入人可以补传照片"))
    if visit.photo_id is not None:
        raise ValidationError({"photo": [_("这条走访记录已有照片")]})
    stored = upload_store(file=photo, actor=actor, allowed=IMAGES, path=visit.path, field="photo")
    try:
        with transaction.atomic():
            updated = HouseholdVisit.objects.filter(pk=visit.pk, photo__isnull=True).update(
                photo=stored
            )
            if not updated:
                raise ValidationError({"photo": [_("这条走访记录已有照片")]})
            audit_record(
                actor=actor, action=Action.UPDATE, obj=visit, changes={"photo": [False, True]}
            )
    except BaseException:
        discard_files([stored])
        raise
    visit.photo = stored
    return visit
