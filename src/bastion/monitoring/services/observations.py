"""The observation lifecycle: register, release, end early, extend. Each step is audited
and the team is told.

Release rule: the period has reached its last day, the last `followups_per_day`
follow-ups of that day (corrections replace what they correct) are all normal, and the
actor holds this observation's confirms-release seat (the village doctor).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.core.audit import Action, audit_record
from bastion.core.i18n import Msg
from bastion.core.masking import mask_name
from bastion.monitoring.models import (
    ClockStart,
    EndReason,
    Extension,
    FollowUp,
    Observation,
    ObservationStatus,
    Policy,
    RiskArea,
    TeamMember,
    Transport,
)
from bastion.monitoring.selectors.observations import observation_can_change
from bastion.monitoring.services.alerts import alerts_close_for_end
from bastion.monitoring.services.arrivals import arrival_record, risk_area_for_origin
from bastion.monitoring.services.team import (
    team_notify,
    team_propose,
    team_release_access,
    team_set,
)
from bastion.people.models import Person
from bastion.people.services import PersonInput, person_register

MAX_EXTENSION_DAYS = 60


def _last_day(observation: Observation) -> dt.date:
    return observation.starts_on + dt.timedelta(days=observation.total_days - 1)


def _active_exists(person: Person, policy: Policy) -> bool:
    return Observation.objects.filter(
        person=person, policy=policy, status=ObservationStatus.ACTIVE
    ).exists()


def _duplicate_error(person: Person, policy: Policy) -> ValidationError:
    return ValidationError(
        {
            "policy": [
                _("%(name)s已在“%(category)s”观察中，同一类别只能有一条进行中的观察")
                % {"name": person.name, "category": policy.name_zh}
            ]
        }
    )


def _check_can_change(actor, observation: Observation) -> None:
    if not observation_can_change(actor, observation):
        raise PermissionDenied


def _check_active(observation: Observation) -> None:
    if observation.status != ObservationStatus.ACTIVE:
        raise ValidationError(_("该观察已结束，不能再操作"))


@transaction.atomic
def observation_register(
    *,
    actor,
    policy: Policy,
    origin: str,
    person: Person | None = None,
    person_data: PersonInput | None = None,
    arrived_on: dt.date | None = None,
    last_contact_on: dt.date | None = None,
    transport: str = "",
    transport_number: str = "",
    risk_area: RiskArea | None = None,
    ip_address: str | None = None,
) -> Observation:
    """Put a person (existing, or registered/merged from `person_data`) under observation."""
    if (person is None) == (person_data is None):
        raise ValidationError({"person": [_("请选择已有人员，或填写新人员信息（二选一）")]})
    errors: dict[str, list[str]] = {}
    origin = (origin or "").strip()
    if not origin:
        errors["origin"] = [_("来源地不能为空")]
    if not policy.active:
        errors["policy"] = [_("类别“%(name)s”已停用") % {"name": policy.name_zh}]
    if policy.clock_start == ClockStart.ARRIVAL and arrived_on is None:
        errors["arrived_on"] = [
            _("“%(name)s”按到达日期计算观察期，请填写到达日期") % {"name": policy.name_zh}
        ]
    if policy.clock_start == ClockStart.LAST_CONTACT and last_contact_on is None:
        errors["last_contact_on"] = [
            _("“%(name)s”按末次接触日期计算观察期，请填写末次接触日期") % {"name": policy.name_zh}
        ]
    if transport and transport not in Transport.values:
        errors["transport"] = [_("未知的交通方式：%(value)s") % {"value": transport}]
    today = timezone.localdate()
    if arrived_on is not None and arrived_on > today:
        errors["arrived_on"] = [_("到达日期不能晚于今天")]
    if last_contact_on is not None and last_contact_on > today:
        errors["last_contact_on"] = [_("末次接触日期不能晚于今天")]
    if errors:
        raise ValidationError(errors)
    target_path = person.path if person is not None else getattr(person_data.grid, "path", "")
    if getattr(actor, "is_authenticated", False) and not can_on_path(
        actor, Perm.PERSON_CHANGE, target_path or "\0"
    ):
        raise PermissionDenied
    if person_data is not None:
        # Someone on file outside the actor's reach comes back as her own provisional
        # record (people.services.person_register); check anyway: nothing may be
        # written here for a person the actor may not change.
        person = person_register(actor=actor, data=person_data, ip_address=ip_address).person
        if getattr(actor, "is_authenticated", False) and not can_on_path(
            actor, Perm.PERSON_CHANGE, person.path or "\0"
        ):
            raise PermissionDenied
    assert person is not None
    if person.region_id is None:
        raise ValidationError(
            {"person": [_("%(name)s没有所属网格，请先登记网格") % {"name": person.name}]}
        )
    if _active_exists(person, policy):
        raise _duplicate_error(person, policy)
    starts_on = arrived_on if policy.clock_start == ClockStart.ARRIVAL else last_contact_on
    if risk_area is None and arrived_on is not None:
        risk_area = risk_area_for_origin(origin=origin, on=arrived_on)
    observation = Observation(
        person=person,
        policy=policy,
        region_id=person.region_id,
        path=person.path,
        household_id=person.household_id,
        origin=origin[:100],
        risk_area=risk_area,
        arrived_on=arrived_on,
        last_contact_on=last_contact_on,
        transport=transport,
        transport_number=(transport_number or "").strip().upper()[:20],
        starts_on=starts_on,
        observation_days=policy.observation_days,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    observation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            observation.save()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise _duplicate_error(person, policy) from exc
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=observation,
        changes={
            "person": [None, str(person.public_id)],
            "name": [None, mask_name(person.name)],
            "policy": [None, policy.category],
            "origin": [None, observation.origin],
            "starts_on": [None, starts_on.isoformat()],
            "transport": [None, f"{transport} {observation.transport_number}".strip()],
        },
        ip_address=ip_address,
    )
    arrival_record(
        actor=actor,
        person=person,
        origin=observation.origin,
        arrived_on=arrived_on or starts_on,
        transport=transport,
        transport_number=observation.transport_number,
    )
    proposal = {seat.code: user for seat, user in team_propose(observation=observation) if user}
    if proposal:
        team_set(actor=actor, observation=observation, members=proposal)
    return observation


def release_blockers(observation: Observation, *, now: dt.datetime | None = None) -> list[str]:
    """Why the observation cannot be released yet (empty: the period rule is met)."""
    today = timezone.localdate(now or timezone.now())
    last_day = _last_day(observation)
    if today < last_day:
        return [
            _("观察期未满：最后一天是%(day)s") % {"day": last_day.isoformat()},
        ]
    per_day = observation.policy.followups_per_day
    entries = list(
        FollowUp.objects.filter(
            observation=observation, local_date=last_day, corrected_by__isnull=True
        ).order_by("-observed_at", "-id")[:per_day]
    )
    if len(entries) < per_day:
        return [
            _("最后一天（%(day)s）的随访未完成：应有%(need)d次，已有%(have)d次")
            % {"day": last_day.isoformat(), "need": per_day, "have": len(entries)}
        ]
    if any(e.abnormal for e in entries):
        return [_("最后一天的随访有异常，不能解除观察")]
    return []


def release_seat_holders(observation: Observation) -> list[TeamMember]:
    return list(observation.team.filter(seat__confirms_release=True).select_related("seat", "user"))


@transaction.atomic
def observation_release(
    *, actor, observation: Observation, note: str = "", now: dt.datetime | None = None
) -> Observation:
    """Release at the end of the period, confirmed by the village doctor of this team."""
    now = now or timezone.now()
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    _check_active(observation)
    if not any(m.user_id == actor.pk for m in release_seat_holders(observation)):
        raise ValidationError(_("只有本责任组的乡村医生可以确认解除观察"))
    blockers = release_blockers(observation, now=now)
    if blockers:
        raise ValidationError(blockers)
    observation.status = ObservationStatus.RELEASED
    observation.ended_at = now
    observation.released_by = actor
    observation.doctor_confirmed_by = actor
    observation.end_note = (note or "").strip()[:300]
    observation.full_clean(validate_constraints=False)
    observation.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=observation,
        changes={"status": [ObservationStatus.ACTIVE, ObservationStatus.RELEASED]},
        reason=observation.end_note,
    )
    alerts_close_for_end(actor=actor, observation=observation, now=now)
    team_notify(
        observation=observation,
        title=Msg(gettext_noop("%(name)s已解除观察"), name=mask_name(observation.person.name)),
        level="success",
    )
    team_release_access(actor=actor, observation=observation)
    return observation


@transaction.atomic
def observation_end(
    *, actor, observation: Observation, reason: str, note: str, now: dt.datetime | None = None
) -> Observation:
    """End early: moved to hospital, moved away, died, or another stated reason."""
    now = now or timezone.now()
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    _check_can_change(actor, observation)
    _check_active(observation)
    note = (note or "").strip()
    if reason not in EndReason.values:
        raise ValidationError({"reason": [_("请选择提前结束的原因")]})
    if reason == EndReason.OTHER and not note:
        raise ValidationError({"note": [_("原因为“其他”时请填写说明")]})
    observation.status = ObservationStatus.ENDED
    observation.ended_at = now
    observation.end_reason = reason
    observation.end_note = note[:300]
    observation.full_clean(validate_constraints=False)
    observation.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=observation,
        changes={
            "status": [ObservationStatus.ACTIVE, ObservationStatus.ENDED],
            "end_reason": [None, reason],
        },
        reason=observation.end_note,
    )
    team_notify(
        observation=observation,
        title=Msg(
            gettext_noop("%(name)s的观察已提前结束（%(reason)s）"),
            name=mask_name(observation.person.name),
            reason=EndReason(reason).label,
        ),
        level="warning",
    )
    alerts_close_for_end(actor=actor, observation=observation, now=now)
    team_release_access(actor=actor, observation=observation)
    return observation


@transaction.atomic
def observation_extend(*, actor, observation: Observation, days: int, reason: str) -> Extension:
    """Lengthen the period by `days`, with a reason (kept as an Extension row)."""
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    _check_can_change(actor, observation)
    _check_active(observation)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        errors["days"] = [_("延长天数应在1到%(max)d天之间") % {"max": MAX_EXTENSION_DAYS}]
    if not reason:
        errors["reason"] = [_("请填写延长观察的原因")]
    if errors:
        raise ValidationError(errors)
    extension = Extension(observation=observation, days=days, reason=reason[:300], created_by=actor)
    extension.full_clean()
    extension.save()
    old = observation.extra_days
    observation.extra_days = old + days
    observation.full_clean(validate_constraints=False)
    observation.save(update_fields=["extra_days", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=observation,
        changes={"extra_days": [old, observation.extra_days]},
        reason=extension.reason,
    )
    team_notify(
        observation=observation,
        title=Msg(
            gettext_noop("%(name)s的观察期延长%(days)d天"),
            name=mask_name(observation.person.name),
            days=days,
        ),
        body=extension.reason,
        level="warning",
    )
    return extension
