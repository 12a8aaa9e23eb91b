"""Retention: observation data past its policy's retention after release is purged.

For each observation released or ended more than `policy.retention_days` ago (and not
yet anonymized): its follow-ups, alerts, service requests, team seats, extensions and
self-report token are deleted, so are the person's recorded arrivals up to the end
of that observation (unless another observation of theirs is still active), and the
observation itself is anonymized (origin,
transport number, household, notes cleared; `anonymized_at` set). Category, dates and
region stay for statistics. The Person is the registry's, not observation data: kept.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from bastion.core.audit import Action, audit_record
from bastion.monitoring.models import (
    Alert,
    Arrival,
    Extension,
    FollowUp,
    Observation,
    ObservationStatus,
    Policy,
    ServiceRequest,
    TeamMember,
)

_CHUNK = 1000
# Deletion order matters: alerts point at follow-ups, corrections at what they correct.
_TABLES = [
    ("alerts", Alert),
    ("service_requests", ServiceRequest),
    ("followups", FollowUp),
    ("team_members", TeamMember),
    ("extensions", Extension),
]


@dataclass
class PolicyPurge:
    category: str
    name: str
    retention_days: int
    cutoff: dt.datetime
    observations: int = 0
    deleted: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "retention_days": self.retention_days,
            "cutoff": self.cutoff.isoformat(),
            "observations": self.observations,
            "deleted": dict(self.deleted),
        }


@dataclass
class PurgeReport:
    dry_run: bool
    now: dt.datetime
    policies: list[PolicyPurge] = field(default_factory=list)

    @property
    def observations(self) -> int:
        return sum(p.observations for p in self.policies)

    @property
    def deleted(self) -> Counter:
        total: Counter = Counter()
        for p in self.policies:
            total.update(p.deleted)
        return total

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "now": self.now.isoformat(),
            "observations": self.observations,
            "deleted": dict(self.deleted),
            "policies": [p.as_dict() for p in self.policies],
        }


def purge_due(*, policy: Policy, now: dt.datetime):
    """Observations of `policy` whose retention after release (or early end) has run out."""
    cutoff = now - dt.timedelta(days=policy.retention_days)
    return Observation.objects.filter(
        policy=policy,
        status__in=[ObservationStatus.RELEASED, ObservationStatus.ENDED],
        ended_at__lt=cutoff,
        anonymized_at__isnull=True,
    )


def _arrivals_q(ids: list[int]):
    """Arrivals recorded up to the end of these observations, of people with no active one."""
    from django.db.models import Q

    active = Observation.objects.filter(status=ObservationStatus.ACTIVE).values("person_id")
    q = Q(pk__in=[])
    for person_id, ended_at in (
        Observation.objects.filter(pk__in=ids)
        .exclude(person_id__in=active)
        .values_list("person_id", "ended_at")
    ):
        q |= Q(person_id=person_id, arrived_on__lte=timezone.localdate(ended_at))
    return q


def _count(ids: list[int]) -> Counter:
    counts: Counter = Counter()
    counts["arrivals"] = Arrival.objects.filter(_arrivals_q(ids)).count()
    for table, model in _TABLES:
        counts[table] = model.objects.filter(observation_id__in=ids).count()
    counts["selfreport_tokens"] = (
        Observation.objects.filter(pk__in=ids).exclude(self_report_token_hash="").count()
    )
    return counts


def _purge_chunk(ids: list[int], now: dt.datetime) -> Counter:
    counts = _count(ids)
    Arrival.objects.filter(_arrivals_q(ids)).delete()
    Alert.objects.filter(observation_id__in=ids).delete()
    ServiceRequest.objects.filter(observation_id__in=ids).delete()
    # Corrections PROTECT what they correct: unlink the chain before deleting it.
    FollowUp.objects.filter(observation_id__in=ids, corrects__isnull=False).update(corrects=None)
    FollowUp.objects.filter(observation_id__in=ids).delete()
    TeamMember.objects.filter(observation_id__in=ids).delete()
    Extension.objects.filter(observation_id__in=ids).delete()
    Observation.objects.filter(pk__in=ids).update(
        origin="",
        transport_number="",
        household=None,
        end_note="",
        self_report_token_hash="",
        anonymized_at=now,
        updated_at=now,
    )
    return counts


def observations_purge(
    *, actor=None, now: dt.datetime | None = None, dry_run: bool = True
) -> PurgeReport:
    """Purge (or with dry_run, only count) observation data past retention; audited once."""
    now = now or timezone.now()
    report = PurgeReport(dry_run=dry_run, now=now)
    with transaction.atomic():
        for policy in Policy.objects.order_by("category"):
            entry = PolicyPurge(
                category=policy.category,
                name=policy.name_zh,
                retention_days=policy.retention_days,
                cutoff=now - dt.timedelta(days=policy.retention_days),
            )
            ids = list(
                purge_due(policy=policy, now=now).order_by("pk").values_list("pk", flat=True)
            )
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                entry.deleted.update(_count(chunk) if dry_run else _purge_chunk(chunk, now))
            entry.observations = len(ids)
            report.policies.append(entry)
        if not dry_run:
            audit_record(
                actor=actor,
                action=Action.DELETE,
                object_type="monitoring.purge",
                object_repr=f"purge {now:%Y-%m-%d %H:%M}",
                changes=report.as_dict(),
                reason="retention",
            )
    return report
