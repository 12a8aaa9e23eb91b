"""The personal self-report link: an unguessable token whose SHA-256 alone is stored.

Issuing a new token replaces the old one (the old link stops working); the link works
only while the observation is active, so release or an early end closes it.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.audit import Action, audit_record
from bastion.monitoring.models import Observation, ObservationStatus
from bastion.monitoring.services.followups import can_record_followup

__all__ = ["selfreport_observation", "selfreport_token_hash", "selfreport_token_issue"]

# token_urlsafe(32) gives 43 characters; anything far off that is not ours.
_TOKEN_MIN, _TOKEN_MAX = 30, 64


def selfreport_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def selfreport_token_issue(*, actor, observation: Observation) -> str:
    """Issue (or re-issue) the observation's self-report token; returns the raw token once."""
    if not can_record_followup(actor, observation):
        raise PermissionDenied(_("你不在该观察对象的责任组中"))
    if observation.status != ObservationStatus.ACTIVE:
        raise ValidationError(_("该观察已结束，不能生成自报链接"), code="not_active")
    token = secrets.token_urlsafe(32)
    digest = selfreport_token_hash(token)
    with transaction.atomic():
        reissued = bool(observation.self_report_token_hash)
        Observation.objects.filter(pk=observation.pk).update(self_report_token_hash=digest)
        observation.self_report_token_hash = digest
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=observation,
            object_repr=f"自报链接 {observation.public_id}",
            changes={"self_report_token": "reissued" if reissued else "issued"},
        )
    return token


def selfreport_observation(token: str) -> Observation | None:
    """The active observation this token opens, or None (wrong, replaced or expired)."""
    if not token or not _TOKEN_MIN <= len(token) <= _TOKEN_MAX:
        return None
    return (
        Observation.objects.select_related("person", "policy")
        .filter(
            self_report_token_hash=selfreport_token_hash(token),
            status=ObservationStatus.ACTIVE,
        )
        .first()
    )
