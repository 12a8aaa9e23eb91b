"""Tasks: list, nearby, publish (one or a series), detail, change, cancel, check-in code.

No `from __future__ import annotations`: @paginate reads the runtime annotations.
"""

import datetime as dt
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.core.pagination import PageNumberPagination
from bastion.party.models import Organization, Team
from bastion.volunteers.api.common import api_user, refusals, region_by_code
from bastion.volunteers.api.schemas import (
    CodeOut,
    NearbyPageOut,
    SeriesIn,
    SeriesOut,
    TaskDetailOut,
    TaskIn,
    TaskOut,
    TaskPatchIn,
    VolunteersReasonIn,
)
from bastion.volunteers.models import PublisherKind, TaskStatus
from bastion.volunteers.rules import cancel_deadline
from bastion.volunteers.selectors.claims import claim_for_user
from bastion.volunteers.selectors.places import rules_for
from bastion.volunteers.selectors.tasks import (
    local_day_bounds,
    nearby_tasks,
    series_get,
    task_can_lead,
    task_can_manage,
    task_get,
    task_list,
)
from bastion.volunteers.services import tasks as task_services

router = Router(tags=["volunteers"])


def _leader(username: str):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({"leader": [_("用户 %(u)s 不存在") % {"u": username}]})
    return user


def _publisher(payload) -> task_services.Publisher:
    p = payload.publisher
    if p.kind == PublisherKind.COMMUNITY:
        return task_services.Publisher(
            p.kind, community=region_by_code(p.community, field="publisher.community")
        )
    if p.kind == PublisherKind.TEAM:
        return task_services.Publisher(p.kind, team=Team.objects.filter(public_id=p.team).first())
    return task_services.Publisher(
        p.kind, organization=Organization.objects.filter(public_id=p.organization).first()
    )


def _input(payload) -> task_services.TaskInput:
    return task_services.TaskInput(
        title=payload.title,
        kind=payload.kind,
        location_kind=payload.location_kind,
        region=region_by_code(payload.region),
        slots=payload.slots,
        address=payload.address,
        description=payload.description,
        skills=payload.skills,
        risk_level=payload.risk_level,
        risk_note=payload.risk_note,
        protection=payload.protection,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        leader=_leader(payload.leader),
    )


def _day(value: str):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise ValidationError({"day": [_("日期格式应为 YYYY-MM-DD")]}) from exc


@router.get("/tasks", response=list[TaskOut])
@paginate(PageNumberPagination, page_size=50)
def list_tasks(request, show: str = "upcoming", kind: str = "", day: str = "", q: str = ""):
    """Tasks in the caller's scope: show=upcoming (not ended), ended, cancelled or all."""
    now = timezone.now()
    qs = task_list(user=api_user(request)).select_related("series")
    if show == "upcoming":
        qs = qs.filter(status=TaskStatus.PUBLISHED, ends_at__gt=now).order_by("starts_at", "id")
    elif show == "ended":
        qs = qs.filter(status=TaskStatus.PUBLISHED, ends_at__lte=now).order_by("-starts_at", "-id")
    elif show == "cancelled":
        qs = qs.filter(status=TaskStatus.CANCELLED).order_by("-starts_at", "-id")
    else:
        qs = qs.order_by("-starts_at", "-id")
    if kind:
        qs = qs.filter(kind__code=kind)
    when = _day(day)
    if when:
        start, end = local_day_bounds(when)
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    if q:
        qs = qs.filter(Q(title__icontains=q[:50]) | Q(address__icontains=q[:50]))
    return qs


@router.get("/tasks/nearby", response=NearbyPageOut)
def nearby(request, kind: str = "", day: str = "", free: bool = False, page: int = 1):
    """Open tasks nearest the caller's home first (grid centroids), then by start time."""
    result = nearby_tasks(
        user=api_user(request),
        kind=kind,
        day=_day(day),
        free_only=free,
        page=min(max(page, 1), 500),
    )
    return {
        "items": [
            {"task": t, "distance_km": round(d, 2) if d is not None else None}
            for t, d in result.rows
        ],  # fmt: skip
        "online": result.online,
        "page": result.page,
        "has_next": result.has_next,
        "home_known": result.home_known,
    }


@router.post("/tasks", response={201: TaskOut})
def publish_task(request, payload: TaskIn):
    task = task_services.task_publish(
        actor=api_user(request),
        publisher=_publisher(payload),
        data=_input(payload),
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
    )
    return Status(201, task_get(user=api_user(request), public_id=task.public_id))


@router.post("/series", response={201: SeriesOut})
def publish_series(request, payload: SeriesIn):
    """A recurring task: one occurrence per chosen weekday from first_day to last_day."""
    series = task_services.series_publish(
        actor=api_user(request),
        publisher=_publisher(payload),
        data=_input(payload),
        first_day=payload.first_day,
        last_day=payload.last_day,
        start_time=payload.start_time,
        end_time=payload.end_time,
        weekdays=payload.weekdays,
    )
    return Status(201, series)


@router.get("/series/{public_id}", response=SeriesOut)
def get_series(request, public_id: UUID):
    return series_get(user=api_user(request), public_id=public_id)


@router.post("/series/{public_id}/cancel", response=SeriesOut)
def cancel_series(request, public_id: UUID, payload: VolunteersReasonIn):
    user = api_user(request)
    series = series_get(user=user, public_id=public_id)
    task_services.series_cancel(actor=user, series=series, reason=payload.reason)
    return series_get(user=user, public_id=public_id)


def _detail(user, public_id):
    task = task_get(user=user, public_id=public_id)
    can_manage = task_can_manage(user, task)
    can_lead = task_can_lead(user, task)
    mine = claim_for_user(task=task, user=user)
    task.my_claim = mine
    task.can_manage = can_manage
    task.can_lead = can_lead
    task.cancel_deadline = cancel_deadline(task.starts_at, rules_for(task.path))
    task.contact_phone = (
        task_services.task_contact_phone(task) if (can_manage or can_lead or mine) else ""
    )
    return task


@router.get("/tasks/{public_id}", response=TaskDetailOut)
def get_task(request, response: HttpResponse, public_id: UUID):
    response["Cache-Control"] = "private, no-store"  # may hold the contact's number
    return _detail(api_user(request), public_id)


@router.patch("/tasks/{public_id}", response=TaskDetailOut)
def change_task(request, public_id: UUID, payload: TaskPatchIn):
    """Change what is given; everyone holding or waiting for a slot is told what changed."""
    user = api_user(request)
    task = task_get(user=user, public_id=public_id)
    given = payload.dict(exclude_unset=True)
    data = task_services.TaskInput(
        title=given.get("title", task.title),
        kind=given.get("kind", task.kind.code),
        location_kind=given.get("location_kind", task.location_kind),
        region=region_by_code(given["region"]) if "region" in given else task.region,
        slots=given.get("slots", task.slots),
        address=given.get("address", task.address),
        description=given.get("description", task.description),
        skills=given.get("skills", task.skills),
        risk_level=given.get("risk_level", task.risk_level),
        risk_note=given.get("risk_note", task.risk_note),
        protection=given.get("protection", task.protection),
        contact_name=given.get("contact_name", task.contact_name),
        contact_phone=given.get("contact_phone", task_services.task_contact_phone(task)),
        leader=_leader(given["leader"]) if "leader" in given else task.leader,
    )
    with refusals():
        task_services.task_update(
            actor=user,
            task=task,
            data=data,
            starts_at=given.get("starts_at", task.starts_at),
            ends_at=given.get("ends_at", task.ends_at),
            reason=payload.reason,
        )
    return _detail(user, public_id)


@router.post("/tasks/{public_id}/cancel", response=TaskDetailOut)
def cancel_task(request, public_id: UUID, payload: VolunteersReasonIn):
    user = api_user(request)
    task_services.task_cancel(
        actor=user, task=task_get(user=user, public_id=public_id), reason=payload.reason
    )
    return _detail(user, public_id)


@router.post("/tasks/{public_id}/checkin-code", response=CodeOut)
def rotate_code(request, response: HttpResponse, public_id: UUID):
    """Issue a new check-in code (the old QR code stops working); returns its link.
    `no-store` keeps the code out of caches and idempotency records."""
    response["Cache-Control"] = "no-store"
    user = api_user(request)
    task = task_services.checkin_code_rotate(
        actor=user, task=task_get(user=user, public_id=public_id)
    )
    url = request.build_absolute_uri(reverse("volunteers:checkin", args=[task.checkin_secret]))
    return {"checkin_url": url}
