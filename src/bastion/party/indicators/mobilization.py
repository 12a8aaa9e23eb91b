"""Calls (号召) sent, and the share of their recipients who answered."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy

from bastion.core.indicators import Scope
from bastion.party.indicators.common import _indicator, _percent, _scoped
from bastion.party.models import Mobilization, MobilizationRecipient


def calls(scope: Scope, as_of: dt.datetime) -> QuerySet[Mobilization]:
    """Calls sent by organizations in scope by `as_of`."""
    return _scoped(Mobilization, scope).filter(sent_at__lte=as_of)


def _call_recipients(scope: Scope, as_of: dt.datetime) -> QuerySet[MobilizationRecipient]:
    return _scoped(MobilizationRecipient, scope).filter(mobilization__sent_at__lte=as_of)


def answered_recipients(scope: Scope, as_of: dt.datetime) -> QuerySet[MobilizationRecipient]:
    """Recipients in scope that answered a call by `as_of`."""
    return (
        _call_recipients(scope, as_of)
        .filter(answered_at__lte=as_of)
        .select_related("organization", "member__person")
    )


def call_response_rate(scope: Scope, as_of: dt.datetime) -> int:
    row = (
        _call_recipients(scope, as_of)
        .order_by()
        .aggregate(total=Count("pk"), answered=Count("pk", filter=Q(answered_at__lte=as_of)))
    )
    return _percent(row["answered"], row["total"])


INDICATORS = [
    _indicator(
        "party_calls",
        "号召",
        "Mobilization calls",
        "次",
        "calls",
        gettext_lazy("范围内党组织发出的号召数。"),
        calls,
        record_view="party:call_detail",
    ),
    _indicator(
        "party_call_response_rate",
        "号召响应率",
        "Call response rate",
        "%",
        "%",
        gettext_lazy("截至统计时刻已响应的接收对象占全部接收对象的比例（明细为已响应者）。"),
        answered_recipients,
        count_fn=call_response_rate,
    ),
]
