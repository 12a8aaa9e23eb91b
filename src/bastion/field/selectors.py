"""Reads for field mode: the day's bundle a phone keeps offline, and the office's list
of entries in conflict. Every list is the user's own scoped view; names are masked and
no ID or phone number is included (the bundle is stored on the phone)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from bastion.access.roles import Perm
from bastion.access.scoping import region_paths, restrict_by_path, scope_of
from bastion.field.models import ConflictStatus, FieldConflict
from bastion.field.services import CURRENT_FORMAT, ticket_for

HOUSEHOLDS_PER_CAMPAIGN = 300
CAMPAIGN_LIMIT = 5
TASK_LIMIT = 50
REGION_LIMIT = 50
# A claimed task stays on the list until check-out closes (volunteers.rules).
_TASK_GRACE = dt.timedelta(hours=6)


def _choices(choices) -> list[dict]:
    return [{"value": value, "label": str(label)} for value, label in choices]


def _followups(user, now) -> list[dict]:
    from bastion.monitoring.selectors.followups import GROUPS, today_rows

    groups, _truncated = today_rows(user=user, now=now)
    rows = []
    for group in GROUPS:
        for row in groups[group]:
            target = str(row.public_id)
            rows.append(
                {
                    "target": target,
                    "ticket": ticket_for(user, "observation", target),
                    "name": row.name_masked,
                    "state": group,
                    "day": row.day_label,
                    "today": row.today_label,
                    "per_day": row.per_day,
                    "done": row.done,
                }
            )
    return rows


def _campaigns(user, today) -> list[dict]:
    from bastion.campaigns.selectors.campaigns import campaign_list, focus_path, household_rows

    campaigns = (
        campaign_list(user=user, perm=Perm.VISIT_RECORD)
        .filter(closed_at__isnull=True, starts_on__lte=today, ends_on__gte=today)
        .order_by("-starts_on", "id")[:CAMPAIGN_LIMIT]
    )
    out = []
    for campaign in campaigns:
        within = focus_path(user=user, campaign=campaign)
        rows = household_rows(user=user, campaign=campaign, within=within, perm=Perm.VISIT_RECORD)
        households = []
        for household in rows[:HOUSEHOLDS_PER_CAMPAIGN]:
            target = str(household.public_id)
            households.append(
                {
                    "target": target,
                    "ticket": ticket_for(user, "household", f"{campaign.public_id}:{target}"),
                    "label": household.label,
                    "grid": household.region.name,
                    "status": household.state_outcome or "pending",
                    "attempts": household.state_attempts or 0,
                }
            )
        out.append(
            {
                "public_id": str(campaign.public_id),
                "name": campaign.name,
                "round": campaign.current_round,
                "instructions": campaign.instructions,
                "households": households,
            }
        )
    return out


def _tasks(user, now) -> list[dict]:
    from bastion.volunteers.models import CheckEvent, Claim, ClaimStatus, TaskStatus
    from bastion.volunteers.services.common import when_text

    claims = list(
        Claim.objects.filter(
            user=user,
            status=ClaimStatus.CLAIMED,
            task__status=TaskStatus.PUBLISHED,
            task__ends_at__gte=now - _TASK_GRACE,
        )
        .select_related("task")
        .order_by("task__starts_at", "id")[:TASK_LIMIT]
    )
    checks: dict[int, set[str]] = {}
    for claim_id, kind in CheckEvent.objects.filter(claim__in=claims).values_list(
        "claim_id", "kind"
    ):
        checks.setdefault(claim_id, set()).add(kind)
    out = []
    for claim in claims:
        target = str(claim.public_id)
        task = claim.task
        out.append(
            {
                "target": target,
                "ticket": ticket_for(user, "claim", target),
                "title": task.title,
                "when": when_text(task),
                "place": task.address,
                "checked_in": "in" in checks.get(claim.pk, set()),
                "checked_out": "out" in checks.get(claim.pk, set()),
            }
        )
    return out


def _report_regions(user) -> QuerySet:
    from bastion.geo.models import Region

    paths = region_paths(user, Perm.INCIDENT_REPORT)
    qs = Region.objects.order_by("path")
    if paths is None:
        return qs.filter(parent__isnull=True)
    return qs.filter(path__in=paths)


def _incident(user) -> dict:
    from bastion.command.models import IncidentGrade, IncidentKind

    regions = [
        {"code": r.code, "name": r.name, "ticket": ticket_for(user, "region", r.code)}
        for r in _report_regions(user)[:REGION_LIMIT]
    ]
    english = get_language() == "en"
    kinds = [
        {
            "value": k.code,
            "label": (k.name_en or k.name_zh) if english else k.name_zh,
            "grade": k.default_grade,
        }
        for k in IncidentKind.objects.filter(active=True)
    ]
    return {"kinds": kinds, "grades": _choices(IncidentGrade.choices), "regions": regions}


def day_bundle(*, user, now: dt.datetime | None = None) -> dict:
    """Everything the field pages need for the day, for this user only."""
    from bastion.campaigns.models import Outcome
    from bastion.monitoring.models import Contact, Symptom

    now = now or timezone.now()
    today = timezone.localdate(now)
    scope = scope_of(user)
    perms = scope.perms
    return {
        "format": CURRENT_FORMAT,
        "user": {"public_id": str(user.public_id), "name": user.get_username()},
        "generated_at": now.isoformat(),
        "today": today.isoformat(),
        "followups": _followups(user, now) if Perm.PERSON_VIEW in perms else [],
        "campaigns": _campaigns(user, today) if Perm.VISIT_RECORD in perms else [],
        "tasks": _tasks(user, now),
        "incident": _incident(user) if Perm.INCIDENT_REPORT in perms else None,
        "choices": {
            "symptoms": _choices(Symptom.choices),
            "contacts": _choices(Contact.choices),
            "outcomes": _choices(Outcome.choices),
        },
    }


# --- Conflicts, for the office ---------------------------------------------------------------


def conflict_list(*, user, status: str = ConflictStatus.OPEN) -> QuerySet[FieldConflict]:
    """Conflicts under the user's ASSIGNMENT_MANAGE regions, and the user's own."""
    from django.db.models import Q

    qs = FieldConflict.objects.select_related("user", "resolved_by")
    if status:
        qs = qs.filter(status=status)
    office = restrict_by_path(qs, user, Perm.ASSIGNMENT_MANAGE)
    return (qs.filter(Q(pk__in=office.values("pk")) | Q(user=user))).order_by("-received_at", "-id")


def conflict_get(*, user, public_id) -> FieldConflict:
    from django.core.exceptions import ValidationError

    try:
        return conflict_list(user=user, status="").get(public_id=public_id)
    except (FieldConflict.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
