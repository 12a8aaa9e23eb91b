"""Exemplars (先进典型) shown on the public column at a moment."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from bastion.core.indicators import Scope
from bastion.party.indicators.common import _indicator, _scoped
from bastion.party.models import Exemplar, ExemplarStatus


def exemplars_published(scope: Scope, as_of: dt.datetime) -> QuerySet[Exemplar]:
    return (
        _scoped(Exemplar, scope)
        .filter(status=ExemplarStatus.APPROVED, published_at__lte=as_of)
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=as_of))
    )


INDICATORS = [
    _indicator(
        "party_exemplars_published",
        "已发布先进典型",
        "Exemplars published",
        "个",
        "stories",
        gettext_lazy("统计时刻在公开专栏展示的已审核先进典型数。"),
        exemplars_published,
        record_view="party:exemplar_detail",
    ),
]
