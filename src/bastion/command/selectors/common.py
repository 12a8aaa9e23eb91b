"""Shared pieces of the command selectors."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from bastion.command.units import acts_for_q


def get_or_404(qs: QuerySet, **lookup):
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def q_or_all(q: Q | None) -> Q:
    """None (the user sees everything) as an always-true Q."""
    return Q() if q is None else q


def answers_q(user, perm: str, *, issuer_prefix: str) -> Q:
    """Target rows whose unit the user answers for: acts for the unit, not for the issuer
    (the issuer columns reached through `issuer_prefix`, e.g. "directive__")."""
    target = acts_for_q(user, perm)
    issuer = acts_for_q(user, perm, prefix=issuer_prefix, kind_field="issuer_kind")
    if issuer is None:
        return Q(pk__in=[])
    return q_or_all(target) & ~issuer
