"""The per-household state of each round (VisitState) and the grid's coverage counters,
kept in step with the visit ledger, and rebuilt from it on demand."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max

from bastion.campaigns.models import Campaign, CoverageCount, HouseholdVisit, VisitState


def state_advance(*, state: VisitState | None, visit: HouseholdVisit) -> None:
    """Point the household's state at `visit` and move it between the grid's counters."""
    if state is None:
        VisitState.objects.create(
            campaign_id=visit.campaign_id,
            round=visit.round,
            household_id=visit.household_id,
            path=visit.path,
            outcome=visit.outcome,
            visit=visit,
            attempts=0 if visit.corrects_id else 1,
        )
        _count_move(visit=visit, old=None, new=visit.outcome)
        return
    old = state.outcome
    state.outcome = visit.outcome
    state.visit = visit
    if visit.corrects_id is None:
        state.attempts += 1
    state.save(update_fields=["outcome", "visit", "attempts"])
    _count_move(visit=visit, old=old, new=visit.outcome)


def _count_move(*, visit: HouseholdVisit, old: str | None, new: str) -> None:
    """-1 on the old outcome's counter, +1 on the new one's, in a fixed order (outcome
    code) so that two visits in one grid never wait on each other's rows crosswise."""
    if old == new:
        return
    moves = sorted([(new, 1)] + ([(old, -1)] if old else []))
    for outcome, delta in moves:
        key = {
            "campaign_id": visit.campaign_id,
            "round": visit.round,
            "path": visit.path,
            "outcome": outcome,
        }
        if CoverageCount.objects.filter(**key).update(n=F("n") + delta):
            continue
        try:
            with transaction.atomic():
                CoverageCount.objects.create(n=delta, **key)
        except IntegrityError:  # created by a concurrent visit in the same grid
            CoverageCount.objects.filter(**key).update(n=F("n") + delta)


@transaction.atomic
def visit_states_rebuild(*, campaign: Campaign) -> int:
    """Recompute the campaign's VisitState rows and coverage counters from its visit
    ledger (after a restore or a bulk load); returns how many states it wrote."""
    visits = HouseholdVisit.objects.filter(campaign=campaign)
    replaced = visits.filter(corrects__isnull=False).values("corrects_id")
    latest = (
        visits.exclude(pk__in=replaced)
        .order_by()
        .values("round", "household_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    attempts = {
        (row["round"], row["household_id"]): row["n"]
        for row in visits.filter(corrects__isnull=True)
        .order_by()
        .values("round", "household_id")
        .annotate(n=Count("id"))
    }
    VisitState.objects.filter(campaign=campaign).delete()
    rows = [
        VisitState(
            campaign=campaign,
            round=visit.round,
            household_id=visit.household_id,
            path=visit.path,
            outcome=visit.outcome,
            visit_id=visit.pk,
            attempts=max(1, attempts.get((visit.round, visit.household_id), 1)),
        )
        for visit in HouseholdVisit.objects.filter(pk__in=latest)
        .only("id", "round", "household_id", "path", "outcome")
        .iterator(chunk_size=5000)
    ]
    VisitState.objects.bulk_create(rows, batch_size=2000)
    CoverageCount.objects.filter(campaign=campaign).delete()
    counts = (
        VisitState.objects.filter(campaign=campaign)
        .order_by()
        .values("round", "path", "outcome")
        .annotate(n=Count("id"))
    )
    CoverageCount.objects.bulk_create(
        [CoverageCount(campaign=campaign, **row) for row in counts], batch_size=2000
    )
    return len(rows)
