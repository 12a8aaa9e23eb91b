"""Meetings: list, record, read, add a decision.

No `from __future__ import annotations`: @paginate reads the runtime annotations.
"""

from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from bastion.command.api.common import api_user, refusals
from bastion.command.api.schemas import (
    DecisionIn,
    DecisionOut,
    MeetingDetailOut,
    MeetingIn,
    MeetingOut,
)
from bastion.core.pagination import PageNumberPagination

router = Router(tags=["command"])


@router.get("/meetings", response=list[MeetingOut])
@paginate(PageNumberPagination, page_size=50)
def list_meetings(request, kind: str = "", q: str = ""):
    from bastion.command.selectors.meetings import meeting_list

    return meeting_list(user=api_user(request), kind=kind, q=q).order_by("-held_at", "-id")


@router.post("/meetings", response={201: MeetingDetailOut})
@refusals
def record_meeting(request, payload: MeetingIn):
    from bastion.command.selectors.meetings import meeting_get
    from bastion.command.services.meetings import meeting_record
    from bastion.command.units import issuing_unit

    user = api_user(request)
    meeting = meeting_record(
        actor=user,
        host=issuing_unit(user, payload.issuer),
        kind=payload.kind,
        title=payload.title,
        held_at=payload.held_at,
        place=payload.place,
        chair=payload.chair,
        attendees=payload.attendees,
        summary=payload.summary,
        decisions=[d.dict() for d in payload.decisions],
    )
    return Status(201, meeting_get(user=user, public_id=meeting.public_id))


@router.get("/meetings/{public_id}", response=MeetingDetailOut)
def get_meeting(request, public_id: UUID):
    from bastion.command.selectors.meetings import meeting_get

    return meeting_get(user=api_user(request), public_id=public_id)


@router.post("/meetings/{public_id}/decisions", response={201: DecisionOut})
@refusals
def add_decision(request, public_id: UUID, payload: DecisionIn):
    from bastion.command.selectors.meetings import meeting_get
    from bastion.command.services.meetings import meeting_decision_add

    user = api_user(request)
    meeting = meeting_get(user=user, public_id=public_id)
    decision = meeting_decision_add(
        actor=user, meeting=meeting, text=payload.text, owner=payload.owner, due_on=payload.due_on
    )
    return Status(201, decision)
