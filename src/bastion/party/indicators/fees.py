"""Party fees: grants, expenses not reversed, and what is left, in whole yuan."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy

from bastion.core.indicators import Scope
from bastion.party.indicators.common import _indicator, _scoped
from bastion.party.models import FeeEntry, FeeEntryKind, FeeGrant


def fee_grants(scope: Scope, as_of: dt.datetime) -> QuerySet[FeeGrant]:
    return _scoped(FeeGrant, scope).filter(created_at__lte=as_of).select_related("organization")


def _fee_entries(scope: Scope, as_of: dt.datetime) -> QuerySet[FeeEntry]:
    return FeeEntry.objects.filter(
        grant__in=_scoped(FeeGrant, scope).values("pk"), recorded_at__lte=as_of
    )


def expenses(scope: Scope, as_of: dt.datetime) -> QuerySet[FeeEntry]:
    """Expense entries recorded by `as_of` that were not reversed by then."""
    reversed_ = FeeEntry.objects.filter(
        corrects=OuterRef("pk"), kind=FeeEntryKind.REVERSAL, recorded_at__lte=as_of
    )
    return (
        _fee_entries(scope, as_of)
        .filter(kind=FeeEntryKind.EXPENSE)
        .exclude(Exists(reversed_))
        .select_related("grant__organization")
    )


def _yuan(value) -> int:
    return int((value or Decimal("0")).quantize(Decimal("1"), ROUND_HALF_UP))


def _fee_sums(scope: Scope, as_of: dt.datetime) -> tuple[Decimal, Decimal]:
    row = _fee_entries(scope, as_of).aggregate(
        granted=Sum("amount", filter=Q(kind__in=[FeeEntryKind.GRANT, FeeEntryKind.ADJUSTMENT])),
        spent=Sum("amount", filter=Q(kind__in=[FeeEntryKind.EXPENSE, FeeEntryKind.REVERSAL])),
    )
    return row["granted"] or Decimal("0"), -(row["spent"] or Decimal("0"))


def fees_granted(scope: Scope, as_of: dt.datetime) -> int:
    return _yuan(_fee_sums(scope, as_of)[0])


def fees_spent(scope: Scope, as_of: dt.datetime) -> int:
    return _yuan(_fee_sums(scope, as_of)[1])


def fees_left(scope: Scope, as_of: dt.datetime) -> int:
    granted, spent = _fee_sums(scope, as_of)
    return _yuan(granted - spent)


def grants_with_balance(scope: Scope, as_of: dt.datetime) -> QuerySet[FeeGrant]:
    """Grants that still had money left at `as_of`."""
    left = Sum("entries__amount", filter=Q(entries__recorded_at__lte=as_of))
    return fee_grants(scope, as_of).annotate(left=left).filter(left__gt=0)


INDICATORS = [
    _indicator(
        "party_fees_granted",
        "下拨党费",
        "Party fees granted",
        "元",
        "yuan",
        gettext_lazy("下拨给范围内党组织的党费（含调整），单位：元。"),
        fee_grants,
        count_fn=fees_granted,
        record_view="party:grant_detail",
    ),
    _indicator(
        "party_fees_spent",
        "党费已支出",
        "Party fees spent",
        "元",
        "yuan",
        gettext_lazy("在下拨党费中登记的支出（不含已冲销的），单位：元。"),
        expenses,
        count_fn=fees_spent,
    ),
    _indicator(
        "party_fees_left",
        "党费结余",
        "Party fees left",
        "元",
        "yuan",
        gettext_lazy("下拨减去支出的结余，单位：元（明细为尚有结余的下拨）。"),
        grants_with_balance,
        count_fn=fees_left,
        record_view="party:grant_detail",
    ),
]
