"""Reads for follow-ups: a grid worker's today page and an observation's history.

The today page computes every row's state from three queries whatever the number of
rows: the visible active observations, today's counted follow-ups of all of them, and
their open alerts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bastion.core.masking import mask_name
from bastion.monitoring import schedule
from bastion.monitoring.models import Alert, FollowUp, Observation, ObservationStatus, Symptom
from bastion.monitoring.selectors.observations import observation_list

ABNORMAL = "abnormal"
GROUPS = (ABNORMAL, schedule.OVERDUE, schedule.DUE, schedule.DONE)
TODAY_LIMIT = 500


@dataclass
class TodayRow:
    """One person on the today page: masked name, day N of M, today's state and entries."""

    observation: Observation
    name_masked: str
    day: int
    total_days: int
    state: str
    day_state: str
    per_day: int
    done: int
    followups: list = field(default_factory=list)
    open_alerts: int = 0

    @property
    def public_id(self):
        return self.observation.public_id

    record_url: str = ""

    @property
    def day_label(self) -> str:
        return _("第 %(day)s 天 / 共 %(total)s 天") % {"day": self.day, "total": self.total_days}

    @property
    def today_label(self) -> str:
        return _("今日 %(done)s/%(per_day)s") % {"done": self.done, "per_day": self.per_day}

    @property
    def alerts_label(self) -> str:
        n = self.open_alerts
        return ngettext("%(n)s 条预警", "%(n)s 条预警", n) % {"n": n}

    @property
    def last(self):
        return self.followups[-1] if self.followups else None


# Only what a row needs: the page stays fast for a hundred people and more.
_ROW_FIELDS = (
    "public_id",
    "path",
    "starts_on",
    "observation_days",
    "extra_days",
    "status",
    "ended_at",
    "person__name",
    "policy__followups_per_day",
    "policy__cutoff_hour",
    "policy__fever_threshold",
)


def _today_observations(qs: QuerySet, today: dt.date) -> QuerySet:
    return (
        qs.filter(status=ObservationStatus.ACTIVE, starts_on__lte=today)
        .annotate(period_last=schedule.period_last_date_expression())
        .filter(schedule.in_period_q(today))
    )


_URL_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def _record_url_maker():
    """One `reverse` per page instead of one per row."""
    template = reverse("monitoring:followup_record", args=[_URL_PLACEHOLDER])
    return lambda public_id: template.replace(_URL_PLACEHOLDER, str(public_id))


def _build_row(
    observation: Observation,
    followups: list,
    open_alerts: int,
    now: dt.datetime,
    record_url=None,
) -> TodayRow:
    today = schedule.local_today(now)
    policy = observation.policy
    slots = schedule.day_slots(observation, policy, today, followups, now)
    counted = sorted(
        schedule.counted_followups(followups), key=lambda f: (f.observed_at, f.pk or 0)
    )
    day_state = schedule.day_state(slots)
    # ABNORMAL, as the monitoring view counts it (selectors/monitor.py): a counted
    # abnormal entry today, or an alert still open.
    abnormal = open_alerts > 0 or any(f.abnormal for f in counted)
    return TodayRow(
        observation=observation,
        name_masked=mask_name(observation.person.name),
        day=schedule.day_number(observation, today),
        total_days=observation.observation_days + observation.extra_days,
        state=ABNORMAL if abnormal else day_state,
        day_state=day_state,
        per_day=policy.followups_per_day,
        done=sum(1 for s in slots if s.state == schedule.DONE),
        followups=counted,
        open_alerts=open_alerts,
        record_url=(record_url or _record_url_maker())(observation.public_id),
    )


def today_rows(
    *, user, now: dt.datetime | None = None, limit: int = TODAY_LIMIT
) -> tuple[dict[str, list[TodayRow]], bool]:
    """The user's visible active observations in their period today, grouped as abnormal
    (open alerts or an abnormal entry today), overdue, due, done. Returns (groups, truncated).
    """
    now = now or timezone.now()
    today = schedule.local_today(now)
    scoped = (
        _today_observations(observation_list(user=user), today)
        .select_related(None)
        .select_related("person", "policy")
        .only(*_ROW_FIELDS)
    )
    observations = list(scoped.order_by("path", "starts_on", "id")[: limit + 1])
    truncated = len(observations) > limit
    observations = observations[:limit]
    ids = [o.pk for o in observations]
    groups: dict[str, list[TodayRow]] = {g: [] for g in GROUPS}
    if not ids:
        return groups, truncated

    by_obs: dict[int, list] = {}
    for f in FollowUp.objects.filter(
        observation_id__in=ids, local_date=today, corrected_by__isnull=True
    ).order_by("observed_at", "id"):
        by_obs.setdefault(f.observation_id, []).append(f)
    alerts = dict(
        Alert.objects.filter(Alert.open_q(now), observation_id__in=ids)
        .values("observation_id")
        .annotate(n=Count("id"))
        .values_list("observation_id", "n")
    )
    record_url = _record_url_maker()
    for observation in observations:
        row = _build_row(
            observation,
            by_obs.get(observation.pk, []),
            alerts.get(observation.pk, 0),
            now,
            record_url,
        )
        groups[row.state].append(row)
    return groups, truncated


def today_row(*, observation: Observation, now: dt.datetime | None = None) -> TodayRow:
    """One row of the today page (after recording a follow-up); caller checked scope."""
    now = now or timezone.now()
    today = schedule.local_today(now)
    followups = list(
        FollowUp.objects.filter(
            observation=observation, local_date=today, corrected_by__isnull=True
        ).order_by("observed_at", "id")
    )
    open_alerts = Alert.objects.filter(Alert.open_q(now), observation=observation).count()
    return _build_row(observation, followups, open_alerts, now)


def followup_history(*, observation: Observation, limit: int = 60) -> list[FollowUp]:
    """The observation's entries, newest first, each marked `replaced` if a later one corrects it.

    Only for callers that already established access (a scoped page, or the person's token).
    """
    rows = list(
        FollowUp.objects.filter(observation=observation)
        .select_related("corrected_by")
        .order_by("-observed_at", "-id")[:limit]
    )
    labels = dict(Symptom.choices)
    for row in rows:
        row.symptom_labels = [str(labels.get(code, code)) for code in row.symptoms]
        try:
            row.replaced = row.corrected_by is not None
        except FollowUp.DoesNotExist:
            row.replaced = False
    return rows
