"""Recording follow-ups: the append-only ledger of checks, by the team or by the person.

A late entry keeps both times (`observed_at` when it happened, `entered_at` when typed);
a correction is a new row whose `corrects` points at the row it replaces. The audit
entry records that a check was recorded, never its temperature or symptoms.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.core.audit import Action, audit_record
from bastion.core.i18n import Msg
from bastion.monitoring.models import (
    AlertKind,
    Contact,
    FollowUp,
    FollowUpSource,
    Observation,
    ObservationStatus,
    Symptom,
    TeamMember,
)
from bastion.monitoring.schedule import local_date_of

TEMPERATURE_MIN = Decimal("34.0")
TEMPERATURE_MAX = Decimal("43.0")
# Phones' clocks drift: an observation time this far ahead of the server is still "now".
_CLOCK_SKEW = dt.timedelta(minutes=5)

__all__ = [
    "can_record_followup",
    "followup_alert_kinds",
    "followup_record",
    "parse_temperature",
]


def can_record_followup(actor, observation: Observation) -> bool:
    """A team member of this observation, or PERSON_CHANGE over its region."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if can_on_path(actor, Perm.PERSON_CHANGE, observation.path):
        return True
    return TeamMember.objects.filter(observation=observation, user=actor).exists()


def parse_temperature(value: Any) -> Decimal | None:
    """'37.3', 37.3 or Decimal -> Decimal('37.3'); blank -> None; ValidationError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        temperature = Decimal(str(value).strip().replace("，", ".").replace(",", "."))
    except InvalidOperation:
        raise ValidationError(
            {"temperature": _("体温：请输入数字，例如 36.5")}, code="invalid"
        ) from None
    if not temperature.is_finite() or not TEMPERATURE_MIN <= temperature <= TEMPERATURE_MAX:
        raise ValidationError(
            {"temperature": _("体温：应在 34.0 到 43.0 ℃ 之间")}, code="out_of_range"
        )
    return temperature.quantize(Decimal("0.1"))


def _clean_symptoms(symptoms: Any) -> list[str]:
    allowed = set(Symptom.values)
    out: list[str] = []
    for code in symptoms or []:
        if code not in allowed:
            raise ValidationError({"symptoms": _("症状：未知选项")}, code="invalid_choice")
        if code not in out:
            out.append(code)
    return out


def followup_alert_kinds(followup: FollowUp, fever_threshold: Decimal) -> list[str]:
    """The alert kinds an entry calls for: fever, symptom, not_home."""
    kinds = []
    if followup.temperature is not None and followup.temperature >= fever_threshold:
        kinds.append(AlertKind.FEVER)
    if followup.symptoms:
        kinds.append(AlertKind.SYMPTOM)
    if followup.at_home is False:
        kinds.append(AlertKind.NOT_HOME)
    return kinds


def _check_corrects(observation: Observation, corrects: FollowUp | None) -> None:
    if corrects is None:
        return
    if corrects.observation_id != observation.pk:
        raise ValidationError({"corrects": _("更正：只能更正本观察对象的随访记录")})
    if FollowUp.objects.filter(corrects=corrects).exists():
        raise ValidationError({"corrects": _("更正：该记录已被更正过，请更正最新的记录")})


def followup_record(
    *,
    actor,
    observation: Observation,
    observed_at: dt.datetime | None,
    temperature: Any,
    symptoms: list[str] | None,
    at_home: bool | None,
    contact: str = Contact.SEEN,
    note: str = "",
    other_symptom: str = "",
    source: str = FollowUpSource.TEAM,
    corrects: FollowUp | None = None,
    now: dt.datetime | None = None,
    ip_address: str | None = None,
) -> FollowUp:
    """Record one check; raise fever/symptom/not-home alerts; audit the fact (not values).

    Team entries need a team seat or PERSON_CHANGE over the region (PermissionDenied
    otherwise); self-reports come with actor None and source "self".
    """
    now = now or timezone.now()
    observed_at = observed_at or now
    if timezone.is_naive(observed_at):
        raise ValidationError({"observed_at": _("随访时间：缺少时区")})
    if source == FollowUpSource.SELF:
        actor = None
    elif source == FollowUpSource.TEAM:
        if not can_record_followup(actor, observation):
            raise PermissionDenied(_("你不在该观察对象的责任组中，不能记录随访"))
    else:
        raise ValidationError({"source": _("来源：未知选项")})

    if observation.status != ObservationStatus.ACTIVE:
        raise ValidationError(_("该观察已结束，不能再记录随访"), code="not_active")
    if observed_at > now + _CLOCK_SKEW:
        raise ValidationError({"observed_at": _("随访时间：不能晚于当前时间")})
    local_date = local_date_of(observed_at)
    if local_date < observation.starts_on:
        raise ValidationError({"observed_at": _("随访时间：不能早于观察开始日期")})
    if contact not in Contact.values:
        raise ValidationError({"contact": _("联系情况：未知选项")})

    temperature = parse_temperature(temperature)
    if contact == Contact.SEEN and temperature is None:
        # The guide's rule: whoever saw the person measured them.
        raise ValidationError({"temperature": _("体温：已见到本人时请填写体温")})
    symptoms = _clean_symptoms(symptoms)
    other_symptom = (other_symptom or "").strip()
    if other_symptom and Symptom.OTHER not in symptoms:
        symptoms.append(Symptom.OTHER)
    policy = observation.policy
    abnormal = (temperature is not None and temperature >= policy.fever_threshold) or bool(symptoms)

    followup = FollowUp(
        observation=observation,
        path=observation.path,
        observed_at=observed_at,
        local_date=local_date,
        source=source,
        recorded_by=actor,
        temperature=temperature,
        symptoms=symptoms,
        other_symptom=other_symptom[:200],
        at_home=at_home,
        contact=contact,
        note=(note or "")[:300],
        corrects=corrects,
        abnormal=abnormal,
    )
    # The relations are loaded objects: no need for full_clean to re-read them; the
    # `corrects` one-to-one is checked (under a row lock) and enforced by its index.
    followup.full_clean(exclude=["observation", "recorded_by", "corrects"])
    try:
        # A plain entry needs no savepoint of its own: whatever fails inside is a
        # server error that rolls back the caller's transaction anyway. A correction
        # keeps one, as its checks may refuse it (422) inside a request's transaction.
        with transaction.atomic(savepoint=corrects is not None):
            if corrects is not None:
                # Lock the row being corrected so two corrections cannot both pass the check.
                corrects = FollowUp.objects.select_for_update().get(pk=corrects.pk)
                followup.corrects = corrects
            _check_corrects(observation, corrects)
            followup.save()
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=followup,
                object_repr=f"随访 {local_date.isoformat()}",
                path=observation.path,
                changes={
                    "observation": str(observation.public_id),
                    "source": source,
                    "local_date": local_date.isoformat(),
                    "late_entry": observed_at < now - dt.timedelta(hours=1),
                    "corrects": corrects.pk if corrects else None,
                    "health_data": "recorded",
                },
                ip_address=ip_address,
            )
            _raise_alerts(followup, corrects, policy.fever_threshold, now)
    except IntegrityError:
        # The one-to-one on `corrects` caught a correction racing another.
        if corrects is None:
            raise
        raise ValidationError({"corrects": _("更正：该记录已被更正过，请更正最新的记录")}) from None
    return followup


def _raise_alerts(
    followup: FollowUp, corrects: FollowUp | None, threshold: Decimal, now: dt.datetime
) -> None:
    """Raise the alerts this entry calls for; a correction raises only kinds that are new."""
    kinds = followup_alert_kinds(followup, threshold)
    if corrects is not None:
        already = set(followup_alert_kinds(corrects, threshold))
        kinds = [k for k in kinds if k not in already]
    if not kinds:
        return
    from bastion.monitoring.services.alerts import alert_raise

    details = {  # symptom names stay untranslated: read in each reader's language
        AlertKind.FEVER: f"{followup.temperature}℃",
        AlertKind.SYMPTOM: Msg(
            "%(symptoms)s", symptoms=[Symptom(s).label for s in followup.symptoms]
        ),
        AlertKind.NOT_HOME: "",
    }
    for kind in kinds:
        alert_raise(
            observation=followup.observation,
            kind=kind,
            local_date=followup.local_date,
            followup=followup,
            detail=details[kind],
            now=now,
        )
