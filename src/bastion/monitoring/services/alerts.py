"""Alerts raised to a responsibility team, their escalation, acknowledgement and resolution.

The escalation level is derived from `raised_at` and the policy's `escalation_hours`
at read time (`escalation_level`); `alerts_escalate` only sends the notifications of
newly reached levels and records `notified_level` so nobody is notified twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bastion.access.models import RoleAssignment, User
from bastion.access.roles import Role
from bastion.access.services import notify
from bastion.core.audit import Action, audit_record
from bastion.core.i18n import Msg, source_text
from bastion.core.masking import mask_name
from bastion.monitoring.models import (
    Alert,
    AlertKind,
    FollowUp,
    Observation,
    ObservationStatus,
    Policy,
    TeamMember,
)
from bastion.monitoring.schedule import (
    counted_followups_q,
    in_period_q,
    period_last_date_expression,
)
from bastion.monitoring.selectors.observations import observation_can_change

# Kinds raised at most once per observation and local day.
ONCE_PER_DAY = frozenset({AlertKind.MISSED, AlertKind.NOT_HOME})
MAX_LEVEL = 4
# Who is told when an unacknowledged alert reaches a level (level 1 is the team's
# confirms_release seat, the village doctor).
LEVEL_ROLES = {2: Role.COMMUNITY_OFFICER, 3: Role.TOWN_OFFICER, 4: Role.COUNTY_COMMAND}
NOTE_MAX = 300


def _alert_link(alert: Alert) -> str:
    return reverse("monitoring:alert_detail", args=[alert.public_id])


def _title(alert: Alert, observation: Observation) -> Msg:
    """Kept untranslated (core.i18n): each reader sees it in her own language."""
    return Msg(
        gettext_noop("%(name)s：%(kind)s预警"),
        name=mask_name(observation.person.name),
        kind=AlertKind(alert.kind).label,
    )


def _team_users(observation: Observation) -> list[User]:
    seen: dict[int, User] = {}
    for member in TeamMember.objects.filter(observation=observation).select_related("user"):
        if member.user.is_active:
            seen.setdefault(member.user_id, member.user)
    return list(seen.values())


def alert_raise(
    *,
    observation: Observation,
    kind: str,
    local_date: dt.date,
    followup: FollowUp | None = None,
    detail: str | Msg = "",
    now: dt.datetime | None = None,
) -> Alert:
    """Raise an alert and notify the observation's team.

    Idempotent for `missed` and `not_home`: a second call for the same observation and
    local day returns the existing alert and notifies nobody.
    """
    now = now or timezone.now()
    if kind not in AlertKind.values:
        raise ValidationError({"kind": [_("未知预警类型：%(kind)s") % {"kind": kind}]})
    if kind in ONCE_PER_DAY:
        existing = Alert.objects.filter(
            observation=observation, kind=kind, local_date=local_date
        ).first()
        if existing is not None:
            return existing
    alert = Alert(
        observation=observation,
        path=observation.path,
        kind=kind,
        followup=followup,
        local_date=local_date,
        raised_at=now,
        detail=source_text(detail)[:300],
        detail_message=detail.as_json() if isinstance(detail, Msg) else {},
    )
    alert.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            alert.save()
            audit_record(
                actor=None,
                action=Action.CREATE,
                obj=alert,
                changes={"kind": [None, kind], "local_date": [None, local_date.isoformat()]},
            )
            title = _title(alert, observation)
            link = _alert_link(alert)
            level = "danger" if kind in (AlertKind.FEVER, AlertKind.SYMPTOM) else "warning"
            for user in _team_users(observation):
                notify(recipient=user, title=title, link=link, level=level)
    except IntegrityError:
        # A concurrent raise of the same once-per-day alert won the race.
        if kind not in ONCE_PER_DAY:
            raise
        return Alert.objects.get(observation=observation, kind=kind, local_date=local_date)
    return alert


# --- Acknowledge and resolve ------------------------------------------------------------


def alert_can_handle(user, alert: Alert) -> bool:
    """Team members of the alert's observation, or users who may change people on its path."""
    return observation_can_change(user, alert.observation)


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("请填写处理说明")]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("处理说明不能超过 %(n)d 个字") % {"n": NOTE_MAX}]})
    return note


def _check_actor(actor, alert: Alert) -> None:
    if not alert_can_handle(actor, alert):
        from django.http import Http404

        raise Http404


def alert_acknowledge(*, actor, alert: Alert, note: str, now: dt.datetime | None = None) -> Alert:
    """Acknowledge an open alert (stops its escalation). Acknowledging twice is refused."""
    _check_actor(actor, alert)
    note = _clean_note(note)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.resolved_at is not None:
            raise ValidationError({"note": [_("该预警已处置完毕")]})
        if locked.acknowledged_at is not None:
            raise ValidationError({"note": [_("该预警已确认")]})
        locked.acknowledged_at = now
        locked.acknowledged_by = actor
        locked.acknowledge_note = note
        locked.full_clean(validate_constraints=False)
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledge_note"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            changes={"acknowledged": [False, True]},
            reason=note,
        )
    return locked


def alert_resolve(*, actor, alert: Alert, note: str, now: dt.datetime | None = None) -> Alert:
    """Resolve an alert with a note; it counts as acknowledged too. Resolving twice is refused."""
    _check_actor(actor, alert)
    note = _clean_note(note)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.resolved_at is not None:
            raise ValidationError({"note": [_("该预警已处置完毕，不能重复处置")]})
        fields = ["resolved_at", "resolved_by", "resolve_note"]
        if locked.acknowledged_at is None:
            locked.acknowledged_at = now
            locked.acknowledged_by = actor
            fields += ["acknowledged_at", "acknowledged_by"]
        locked.resolved_at = now
        locked.resolved_by = actor
        locked.resolve_note = note
        locked.full_clean(validate_constraints=False)
        locked.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            changes={"resolved": [False, True]},
            reason=note,
        )
    return locked


def alerts_close_for_end(*, actor, observation: Observation, now: dt.datetime | None = None) -> int:
    """Close the open alerts of an observation that was released or ended: nobody is to
    act on them any more (and they climb no further). Returns how many closed."""
    now = now or timezone.now()
    note = Msg(
        gettext_noop("观察已结束（%(status)s），预警自动关闭"),
        status=ObservationStatus(observation.status).label,
    )
    closed = 0
    open_alerts = Alert.objects.select_for_update().filter(
        observation=observation, resolved_at__isnull=True
    )
    for alert in open_alerts:
        alert.resolved_at = now
        alert.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
        alert.resolve_note = source_text(note)[:NOTE_MAX]
        alert.resolve_note_message = note.as_json()
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = now, alert.resolved_by
        alert.save(
            update_fields=[
                "resolved_at",
                "resolved_by",
                "resolve_note",
                "resolve_note_message",
                "acknowledged_at",
                "acknowledged_by",
            ]
        )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=alert,
            changes={"resolved": [False, True]},
            reason="observation_closed",
        )
        closed += 1
    return closed


# --- Escalation -------------------------------------------------------------------------


def escalation_level(alert: Alert, policy: Policy, now: dt.datetime) -> int:
    """0 (team) .. 4 (county command): thresholds of policy.escalation_hours passed while
    the alert stayed unacknowledged. Acknowledgement (or resolution) stops the climb.
    """
    stops = [t for t in (alert.acknowledged_at, alert.resolved_at) if t is not None]
    until = min([now, *stops])
    elapsed_hours = (until - alert.raised_at).total_seconds() / 3600
    thresholds = sorted(float(h) for h in (policy.escalation_hours or []))[:MAX_LEVEL]
    return sum(1 for hours in thresholds if elapsed_hours >= hours)


def _officers_by_role() -> dict[str, list[tuple[str, User]]]:
    grants: dict[str, list[tuple[str, User]]] = {}
    rows = RoleAssignment.objects.filter(role__in=LEVEL_ROLES.values(), user__is_active=True)
    for grant in rows.select_related("user"):
        if grant.region_path:
            grants.setdefault(grant.role, []).append((grant.region_path, grant.user))
    return grants


def escalation_recipients(
    alert: Alert, level: int, officers: dict[str, list[tuple[str, User]]] | None = None
) -> list[User]:
    """Users told when `alert` reaches `level`."""
    if level == 1:
        members = TeamMember.objects.filter(
            observation_id=alert.observation_id, seat__confirms_release=True, user__is_active=True
        ).select_related("user")
        users: Iterable[User] = (m.user for m in members)
    else:
        officers = officers if officers is not None else _officers_by_role()
        role = LEVEL_ROLES[level]
        users = (user for path, user in officers.get(role, []) if alert.path.startswith(path))
    unique: dict[int, User] = {}
    for user in users:
        unique.setdefault(user.pk, user)
    return list(unique.values())


def alerts_escalate(*, now: dt.datetime | None = None) -> int:
    """Notify the users of every level newly reached by open, unacknowledged alerts.

    Returns the number of alerts that climbed. Safe to run concurrently: the bump of
    `notified_level` is conditional, so each level is notified once.
    """
    now = now or timezone.now()
    open_alerts = Alert.objects.filter(
        acknowledged_at__isnull=True, resolved_at__isnull=True, notified_level__lt=MAX_LEVEL
    ).select_related("observation__policy", "observation__person")
    officers: dict[str, list[tuple[str, User]]] | None = None
    climbed = 0
    for alert in open_alerts.iterator(chunk_size=500):
        level = escalation_level(alert, alert.observation.policy, now)
        if level <= alert.notified_level:
            continue
        if officers is None:
            officers = _officers_by_role()
        with transaction.atomic():
            bumped = Alert.objects.filter(pk=alert.pk, notified_level=alert.notified_level).update(
                notified_level=level
            )
            if not bumped:
                continue
            link = _alert_link(alert)
            for reached in range(alert.notified_level + 1, level + 1):
                text = Msg(
                    gettext_noop("%(title)s（已升级至第%(level)d级，尚未确认）"),
                    title=_title(alert, alert.observation),
                    level=reached,
                )
                for user in escalation_recipients(alert, reached, officers):
                    notify(recipient=user, title=text, link=link, level="danger")
        climbed += 1
    return climbed


# --- Missed follow-ups ------------------------------------------------------------------


def missed_alerts_raise(*, now: dt.datetime | None = None, region_path: str | None = None) -> int:
    """Raise a `missed` alert for every active observation whose previous local day ended
    with fewer (non-correction) follow-ups than the policy expects. Idempotent.
    """
    now = now or timezone.now()
    day = timezone.localdate(now) - dt.timedelta(days=1)
    done = (
        FollowUp.objects.filter(counted_followups_q(day), observation=OuterRef("pk"))
        .order_by()
        .values("observation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    already = Alert.objects.filter(kind=AlertKind.MISSED, local_date=day).values("observation")
    candidates = (
        Observation.objects.filter(status=ObservationStatus.ACTIVE)
        .annotate(period_last=period_last_date_expression())
        .filter(in_period_q(day))
        .exclude(pk__in=already)
        .annotate(done=Coalesce(Subquery(done), 0))
        .filter(done__lt=F("policy__followups_per_day"))
    )
    if region_path:
        candidates = candidates.filter(path__startswith=region_path)
    raised = 0
    for observation in candidates.select_related("person", "policy").iterator(chunk_size=500):
        if not _expected_on(observation, day, now):
            continue
        alert_raise(
            observation=observation,
            kind=AlertKind.MISSED,
            local_date=day,
            detail=Msg(
                gettext_noop("应随访%(expected)d次，实际%(done)d次"),
                expected=observation.policy.followups_per_day,
                done=observation.done,
            ),
            now=now,
        )
        raised += 1
    return raised


def _expected_on(observation: Observation, day: dt.date, now: dt.datetime) -> bool:
    """No alert for days before the observation was registered (the team did not know yet)."""
    return timezone.localdate(observation.created_at) <= day


__all__ = [
    "alert_acknowledge",
    "alert_raise",
    "alert_resolve",
    "alerts_escalate",
    "escalation_level",
    "missed_alerts_raise",
]
