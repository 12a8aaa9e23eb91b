"""Scoped reads of party-fee grants and their ledgers; balances come from the entries."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_org_or_region
from bastion.party.models import FeeEntry, FeeEntryKind, FeeGrant
from bastion.party.selectors.common import get_or_404, signed_in

_ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _sum(condition: Q | None = None):
    return Coalesce(
        Sum(
            "entries__amount",
            filter=condition,
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        _ZERO,
    )


GRANTED_Q = Q(entries__kind__in=[FeeEntryKind.GRANT, FeeEntryKind.ADJUSTMENT])
SPENT_Q = Q(entries__kind__in=[FeeEntryKind.EXPENSE, FeeEntryKind.REVERSAL])


def fee_grant_list(*, user) -> QuerySet[FeeGrant]:
    """Grants the user sees (the recipient's side by organization or region, the granting
    department by the organization tree), with granted / spent / balance annotated."""
    if not signed_in(user):
        return FeeGrant.objects.none()
    return (
        restrict_by_org_or_region(FeeGrant.objects.all(), user, Perm.PARTY_VIEW)
        .select_related("organization", "grantor")
        .annotate(granted=_sum(GRANTED_Q), spent_signed=_sum(SPENT_Q), balance=_sum())
        .order_by("-granted_on", "-id")
    )


def fee_grant_get(*, user, public_id) -> FeeGrant:
    return get_or_404(fee_grant_list(user=user), public_id)


def fee_entries(grant: FeeGrant) -> QuerySet[FeeEntry]:
    """The ledger of a grant (opened through `fee_grant_get`), in order."""
    return grant.entries.select_related("receipt", "recorded_by", "corrects").order_by(
        "recorded_at", "id"
    )


def fee_entry_get(*, user, public_id) -> FeeEntry:
    qs = FeeEntry.objects.filter(grant__in=fee_grant_list(user=user).values("pk")).select_related(
        "grant__organization", "grant__grantor", "receipt"
    )
    return get_or_404(qs, public_id)


def fee_totals(qs: QuerySet[FeeGrant]) -> dict[str, Decimal]:
    """Granted, spent and left over a set of grants (one query)."""
    row = FeeEntry.objects.filter(grant__in=qs.values("pk")).aggregate(
        granted=Sum("amount", filter=Q(kind__in=[FeeEntryKind.GRANT, FeeEntryKind.ADJUSTMENT])),
        spent=Sum("amount", filter=Q(kind__in=[FeeEntryKind.EXPENSE, FeeEntryKind.REVERSAL])),
    )
    granted = row["granted"] or Decimal("0")
    spent = -(row["spent"] or Decimal("0"))
    return {"granted": granted, "spent": spent, "left": granted - spent}
