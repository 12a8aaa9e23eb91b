"""Reads of claims and attendance: a task's roster, a volunteer's claims and record, the
derived no-shows and the community ranking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.access.roles import Perm
from bastion.access.scoping import region_paths
from bastion.people.models import Person
from bastion.volunteers.models import (
    Attendance,
    AttendanceOutcome,
    CheckEvent,
    CheckKind,
    Claim,
    ClaimStatus,
    ResidentVolunteer,
    Task,
    TaskStatus,
)
from bastion.volunteers.rules import hours_between, proposed_span
from bastion.volunteers.selectors.people import volunteer_of_user
from bastion.volunteers.selectors.tasks import task_can_lead, visible_q

ACTIVE = (ClaimStatus.CLAIMED, ClaimStatus.WAITING)
_CODE_MIN, _CODE_MAX = 20, 64


def task_for_code(secret: str) -> Task | None:
    """The published task whose current check-in code this is, or None."""
    if not secret or not _CODE_MIN <= len(secret) <= _CODE_MAX:
        return None
    return (
        Task.objects.select_related("kind", "region")
        .filter(checkin_secret=secret, status=TaskStatus.PUBLISHED)
        .first()
    )


def claim_for_user(*, task: Task, user) -> Claim | None:
    """The user's active claim on the task (for buttons and scans), or None."""
    volunteer = volunteer_of_user(user)
    if volunteer is None:
        return None
    claim = Claim.objects.filter(task=task, person=volunteer.person, status__in=ACTIVE).first()
    if claim is not None:
        claim.task = task
    return claim


def claim_get_for_actor(*, actor, public_id) -> Claim:
    """A claim the actor may act on: their own, or one of a task they lead or manage."""
    try:
        claim = Claim.objects.select_related("task__region", "task__kind", "person", "user").get(
            public_id=public_id
        )
    except (Claim.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    if claim.user_id is not None and claim.user_id == getattr(actor, "pk", None):
        return claim
    if task_can_lead(actor, claim.task):
        return claim
    raise Http404


def attendance_get_for_actor(*, actor, public_id) -> Attendance:
    try:
        entry = Attendance.objects.select_related("claim__task", "claim__person").get(
            public_id=public_id
        )
    except (Attendance.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    if not task_can_lead(actor, entry.claim.task):
        raise Http404
    return entry


def current_attendances(claim_ids) -> dict[int, Attendance]:
    """claim id -> its attendance in force (entries nobody has corrected)."""
    entries = list(Attendance.objects.filter(claim_id__in=list(claim_ids)).order_by("id"))
    corrected = {e.corrects_id for e in entries if e.corrects_id}
    return {e.claim_id: e for e in entries if e.pk not in corrected}


@dataclass
class RosterRow:
    claim: Claim
    checked_in: dt.datetime | None = None
    checked_out: dt.datetime | None = None
    attendance: Attendance | None = None
    proposed_hours: Decimal = Decimal(0)
    state: str = ""
    no_show_pending: bool = False


def _state(row: RosterRow, task: Task, now) -> str:
    if row.attendance is not None:
        if row.attendance.outcome == AttendanceOutcome.NO_SHOW:
            return str(_("未到岗"))
        return str(_("已确认 %(h)s 小时") % {"h": row.attendance.hours})
    if row.checked_out:
        return str(_("已签退"))
    if row.checked_in:
        return str(_("已签到"))
    if now >= task.ends_at:
        return str(_("未到岗（待确认）"))
    return str(_("待签到"))


@dataclass
class Roster:
    holding: list[RosterRow] = field(default_factory=list)
    waiting: list[Claim] = field(default_factory=list)
    cancelled: list[Claim] = field(default_factory=list)

    @property
    def to_confirm(self) -> list[RosterRow]:
        return [r for r in self.holding if r.attendance is None and r.checked_in]

    @property
    def no_shows_pending(self) -> list[RosterRow]:
        return [r for r in self.holding if r.no_show_pending]


def task_roster(task: Task, *, now=None) -> Roster:
    """Everyone on the task: holding a slot (with scans and attendance), waiting, cancelled.
    Four queries whatever the size."""
    now = now or timezone.now()
    claims = list(Claim.objects.filter(task=task).select_related("person", "user").order_by("id"))
    roster = Roster()
    ids = [c.pk for c in claims]
    checks: dict[int, dict[str, dt.datetime]] = {}
    for claim_id, kind, at in CheckEvent.objects.filter(claim_id__in=ids).values_list(
        "claim_id", "kind", "at"
    ):
        checks.setdefault(claim_id, {})[kind] = at
    attendance = current_attendances(ids)
    for claim in claims:
        claim.task = task
        if claim.status == ClaimStatus.WAITING:
            roster.waiting.append(claim)
            continue
        if claim.status == ClaimStatus.CANCELLED:
            roster.cancelled.append(claim)
            continue
        seen = checks.get(claim.pk, {})
        row = RosterRow(
            claim=claim,
            checked_in=seen.get(CheckKind.IN),
            checked_out=seen.get(CheckKind.OUT),
            attendance=attendance.get(claim.pk),
        )
        start, end = proposed_span(
            task_start=task.starts_at,
            task_end=task.ends_at,
            checked_in=row.checked_in,
            checked_out=row.checked_out,
        )
        row.proposed_hours = hours_between(start, end)
        row.no_show_pending = (
            row.attendance is None and row.checked_in is None and now >= task.ends_at
        )
        row.state = _state(row, task, now)
        roster.holding.append(row)
    roster.waiting.sort(key=lambda c: (c.waiting_since or c.created_at, c.pk))
    return roster


# --- Derived no-shows ------------------------------------------------------------------


def no_show_q(now, *, prefix: str = "") -> Q:
    """Claims that held a slot of a task that ended, with no check-in: derived no-shows
    (confirmed ones have an Attendance with outcome no_show)."""
    checked_in = CheckEvent.objects.filter(claim=OuterRef("pk"), kind=CheckKind.IN)
    attended = Attendance.objects.filter(
        claim=OuterRef("pk"), outcome=AttendanceOutcome.ATTENDED, correction__isnull=True
    )
    return (
        Q(status=ClaimStatus.CLAIMED, task__ends_at__lte=now, task__status=TaskStatus.PUBLISHED)
        & ~Q(Exists(checked_in))
        & ~Q(Exists(attended))
    )


def pending_no_shows(*, user, now=None) -> QuerySet[Claim]:
    """Derived no-shows not yet confirmed, on tasks the user leads or manages."""
    now = now or timezone.now()
    confirmed = Attendance.objects.filter(claim=OuterRef("pk"))
    qs = Claim.objects.filter(no_show_q(now)).exclude(Exists(confirmed))
    q = visible_q(user, prefix="task__", as_volunteer=False)
    if q is not None:
        qs = qs.filter(q)
    return qs.select_related("task", "person").order_by("-task__ends_at", "id")


# --- A volunteer's claims and record ---------------------------------------------------


@dataclass
class RecordSummary:
    person: Person
    hours: Decimal
    points: int
    attended: int
    no_shows: int
    upcoming: list[Claim]
    history: list[tuple[Claim, Attendance | None, str]]


def _summary(person: Person, claims: QuerySet[Claim], now) -> RecordSummary:
    claims = list(claims.select_related("task__kind", "task__region").order_by("-task__starts_at"))
    attendance = current_attendances(c.pk for c in claims)
    checked_in = set(
        CheckEvent.objects.filter(claim__in=claims, kind=CheckKind.IN).values_list(
            "claim_id", flat=True
        )
    )
    upcoming, history = [], []
    hours, points, attended, no_shows = Decimal(0), 0, 0, 0
    for claim in claims:
        entry = attendance.get(claim.pk)
        if entry is not None and entry.outcome == AttendanceOutcome.ATTENDED:
            hours += entry.hours
            points += entry.points
            attended += 1
            label = str(_("已确认 %(h)s 小时 · %(p)d 分") % {"h": entry.hours, "p": entry.points})
        elif entry is not None:
            no_shows += 1
            label = str(_("未到岗"))
        elif claim.status == ClaimStatus.CANCELLED:
            label = str(_("已取消"))
        elif claim.task.ends_at <= now and claim.status == ClaimStatus.CLAIMED:
            if claim.pk in checked_in:
                label = str(_("待确认时长"))
            else:
                no_shows += 1
                label = str(_("未到岗（待确认）"))
        elif claim.status in ACTIVE and claim.task.status == TaskStatus.PUBLISHED:
            upcoming.append(claim)
            continue
        else:
            label = claim.get_status_display()
        history.append((claim, entry, label))
    upcoming.sort(key=lambda c: c.task.starts_at)
    return RecordSummary(person, hours, points, attended, no_shows, upcoming, history)


def my_record(*, user, now=None) -> RecordSummary | None:
    """The signed-in volunteer's own claims, hours and points (None: not a volunteer)."""
    volunteer = volunteer_of_user(user)
    if volunteer is None:
        return None
    return _summary(volunteer.person, Claim.objects.filter(person=volunteer.person),
                    now or timezone.now())  # fmt: skip


def volunteer_record(*, user, person_public_id, now=None) -> RecordSummary:
    """A volunteer's record as staff see it (the claims on tasks in their scope), or one's
    own. Out of scope: Http404."""
    try:
        person = Person.objects.get(public_id=person_public_id)
    except (Person.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    claims = Claim.objects.filter(person=person)
    own = volunteer_of_user(user)
    if own is None or own.person.pk != person.pk:
        q = visible_q(user, prefix="task__", as_volunteer=False)
        if q is not None:
            claims = claims.filter(q)
            paths = region_paths(user, Perm.VOLUNTEER_VIEW) or []
            resident_here = any(
                p and ResidentVolunteer.objects.filter(person=person, path__startswith=p).exists()
                for p in paths
            )
            if not resident_here and not claims.exists():
                raise Http404
    return _summary(person, claims, now or timezone.now())


# --- Ranking -------------------------------------------------------------------------------


@dataclass
class RankRow:
    rank: int
    person_id: int
    name: str
    points: int
    hours: Decimal
    tasks: int
    is_me: bool = False


def ranking(
    *, community_path: str, since: dt.date | None = None, limit: int = 50, me: Person | None = None
) -> list[RankRow]:
    """Volunteers of a community by points earned there (then hours), from `since`."""
    qs = Attendance.objects.filter(
        path__startswith=community_path,
        outcome=AttendanceOutcome.ATTENDED,
        correction__isnull=True,
    )
    if since is not None:
        qs = qs.filter(served_on__gte=since)
    rows = (
        qs.values("person_id", "person__name")
        .annotate(points=Sum("points"), hours=Sum("hours"), tasks=Count("id"))
        .order_by("-points", "-hours", "person_id")[:limit]
    )
    out = []
    for i, row in enumerate(rows, start=1):
        out.append(
            RankRow(
                rank=i,
                person_id=row["person_id"],
                name=row["person__name"],
                points=row["points"] or 0,
                hours=row["hours"] or Decimal(0),
                tasks=row["tasks"],
                is_me=me is not None and me.pk == row["person_id"],
            )
        )
    return out
