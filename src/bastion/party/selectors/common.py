"""Helpers every party selector shares."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

MAX_QUERY_LENGTH = 100  # longer search text is cut (SQLite refuses very long LIKE patterns)


def get_or_404(qs: QuerySet, public_id):
    """One record of `qs` by public id; Http404 when missing, malformed or out of scope."""
    try:
        return qs.get(public_id=public_id)
    except (qs.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def search_text(q: str | None) -> str:
    return (q or "").strip()[:MAX_QUERY_LENGTH]
