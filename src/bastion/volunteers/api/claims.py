"""Claims (online and offline), the waiting list, cancelling; check-in and check-out by
QR code or by the leader; confirmed hours, no-shows, corrections; records and ranking.

No `from __future__ import annotations`: ninja reads the runtime annotations.
"""

import datetime as dt
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from bastion.core.apierrors import ApiError
from bastion.people.models import Person
from bastion.volunteers.api.common import api_user, refusals, region_by_code
from bastion.volunteers.api.schemas import (
    AttendanceOut,
    CheckIn,
    CheckOut,
    ClaimIn,
    ClaimOut,
    CorrectIn,
    NoShowIn,
    OfflineClaimIn,
    RankOut,
    RosterPageOut,
    ScanIn,
    VolunteersConfirmIn,
    VolunteersReasonIn,
    VolunteersRecordOut,
)
from bastion.volunteers.models import CheckMethod
from bastion.volunteers.selectors.claims import (
    attendance_get_for_actor,
    claim_get_for_actor,
    my_record,
    ranking,
    task_roster,
)
from bastion.volunteers.selectors.people import volunteer_of_user
from bastion.volunteers.selectors.tasks import task_can_lead, task_get
from bastion.volunteers.services import attendance as attendance_services
from bastion.volunteers.services.claims import TaskFull, claim_cancel, claim_create

router = Router(tags=["volunteers"])


def _claim_response(result):
    return Status(201 if result.created else 200, result.claim)


@router.post("/tasks/{public_id}/claim", response={200: ClaimOut, 201: ClaimOut})
def claim(request, public_id: UUID, payload: ClaimIn):
    """Claim a slot for oneself: 201 new, 200 already held (nothing changes), 409
    `task_full` when every slot is taken (send waitlist=true to join the waiting list),
    409 `overlap` when the caller holds another claim at the same time."""
    user = api_user(request)
    task = task_get(user=user, public_id=public_id)
    try:
        with refusals():
            result = claim_create(actor=user, task=task, waitlist=payload.waitlist)
    except TaskFull as exc:  # refusals() maps it; kept explicit for the waiting-list hint
        raise ApiError(409, "task_full", exc.messages[0], {"waitlist": ["true"]}) from exc
    return _claim_response(result)


@router.post("/tasks/{public_id}/claims", response={200: ClaimOut, 201: ClaimOut})
def claim_for(request, public_id: UUID, payload: OfflineClaimIn):
    """Staff who publish there claim for a volunteer of the community (offline)."""
    user = api_user(request)
    task = task_get(user=user, public_id=public_id)
    person = Person.objects.filter(public_id=payload.person).first()
    if person is None:
        raise ValidationError({"person": [_("该人员不存在")]})
    with refusals():
        result = claim_create(actor=user, task=task, person=person, waitlist=payload.waitlist)
    return _claim_response(result)


@router.get("/tasks/{public_id}/claims", response=RosterPageOut)
def roster(request, public_id: UUID):
    """Everyone on the task with scans and attendance (leader and publishers)."""
    user = api_user(request)
    task = task_get(user=user, public_id=public_id)
    if not task_can_lead(user, task):
        raise ApiError(403, "forbidden", _("只有任务负责人或发布方可以查看名单"))
    result = task_roster(task)
    return {
        "holding": [
            {
                "claim": r.claim,
                "person_name": r.claim.person.name,
                "checked_in": r.checked_in,
                "checked_out": r.checked_out,
                "proposed_hours": r.proposed_hours,
                "state": r.state,
                "no_show_pending": r.no_show_pending,
                "attendance": r.attendance,
            }
            for r in result.holding
        ],
        "waiting": result.waiting,
        "cancelled": result.cancelled,
    }


@router.post("/claims/{public_id}/cancel", response=ClaimOut)
def cancel(request, public_id: UUID, payload: VolunteersReasonIn):
    user = api_user(request)
    item = claim_get_for_actor(actor=user, public_id=public_id)
    with refusals():
        return claim_cancel(actor=user, claim=item, reason=payload.reason)


@router.post("/checkin", response={200: CheckOut, 201: CheckOut})
def scan(request, payload: ScanIn):
    """The volunteer's app scanned a task's QR code: check in or out (201; 200 if done)."""
    from bastion.core.ratelimit import rate_limit_hit

    user = api_user(request)
    if rate_limit_hit("volunteers_scan", f"user:{user.pk}", limit=30, window_seconds=60):
        raise ApiError(429, "throttled", _("请求过于频繁，请稍后重试"))
    code = payload.code.rstrip("/").rsplit("/", 1)[-1]  # a scanned URL or the bare code
    with refusals():
        result = attendance_services.checkin_by_code(actor=user, secret=code, kind=payload.kind)
    event = result.event
    return Status(201 if result.created else 200, {
        "kind": event.kind, "at": event.at, "method": event.method, "created": result.created})  # fmt: skip


@router.post("/claims/{public_id}/check", response={200: CheckOut, 201: CheckOut})
def leader_check(request, public_id: UUID, payload: CheckIn):
    user = api_user(request)
    item = claim_get_for_actor(actor=user, public_id=public_id)
    with refusals():
        result = attendance_services.check_record(
            actor=user, claim=item, kind=payload.kind, method=CheckMethod.LEADER
        )
    event = result.event
    return Status(201 if result.created else 200, {
        "kind": event.kind, "at": event.at, "method": event.method, "created": result.created})  # fmt: skip


@router.post("/claims/{public_id}/attendance", response={201: AttendanceOut})
def confirm(request, public_id: UUID, payload: VolunteersConfirmIn):
    user = api_user(request)
    item = claim_get_for_actor(actor=user, public_id=public_id)
    with refusals():
        entry = attendance_services.attendance_confirm(
            actor=user, claim=item, hours=payload.hours, note=payload.note
        )
    return Status(201, entry)


@router.post("/claims/{public_id}/no-show", response={201: AttendanceOut})
def no_show(request, public_id: UUID, payload: NoShowIn):
    user = api_user(request)
    item = claim_get_for_actor(actor=user, public_id=public_id)
    with refusals():
        entry = attendance_services.attendance_no_show(actor=user, claim=item, note=payload.note)
    return Status(201, entry)


@router.post("/attendance/{public_id}/correct", response={201: AttendanceOut})
def correct(request, public_id: UUID, payload: CorrectIn):
    user = api_user(request)
    entry = attendance_get_for_actor(actor=user, public_id=public_id)
    with refusals():
        new = attendance_services.attendance_correct(
            actor=user, attendance=entry, outcome=payload.outcome, hours=payload.hours,
            note=payload.note)  # fmt: skip
    return Status(201, new)


@router.get("/me/record", response=VolunteersRecordOut)
def record(request):
    """The caller's own hours, points, attendance and upcoming claims."""
    result = my_record(user=api_user(request))
    if result is None:
        raise Http404
    return {
        "hours": result.hours,
        "points": result.points,
        "attended": result.attended,
        "no_shows": result.no_shows,
        "upcoming": result.upcoming,
    }


@router.get("/ranking", response=list[RankOut])
def community_ranking(request, community: str, days: int = 30):
    """Volunteers of a community by points (masked names; the caller's own in full)."""
    from bastion.access.roles import Perm
    from bastion.access.scoping import can_on_path
    from bastion.core.masking import mask_name

    user = api_user(request)
    region = region_by_code(community, field="community")
    volunteer = volunteer_of_user(user)
    serves = volunteer is not None and any(region.path == p for p in volunteer.community_paths)
    if not serves and not can_on_path(user, Perm.VOLUNTEER_VIEW, region.path):
        raise Http404
    since = timezone.localdate() - dt.timedelta(days=days) if days > 0 else None
    rows = ranking(community_path=region.path, since=since,
                   me=volunteer.person if volunteer else None)  # fmt: skip
    return [
        {
            "rank": r.rank,
            "name": r.name if r.is_me else mask_name(r.name),
            "points": r.points,
            "hours": r.hours,
            "tasks": r.tasks,
            "is_me": r.is_me,
        }  # fmt: skip
        for r in rows
    ]
