"""Scoped reads of meetings: visible where the host level lies in the user's grants."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from bastion.access.roles import Perm
from bastion.command.models import Meeting, MeetingDecision
from bastion.command.selectors.common import get_or_404, q_or_all, signed_in
from bastion.command.units import visible_q


def meeting_list(*, user, kind: str = "", q: str = "") -> QuerySet[Meeting]:
    if not signed_in(user):
        return Meeting.objects.none()
    qs = Meeting.objects.filter(q_or_all(visible_q(user, Perm.COMMAND_VIEW)))
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q[:60]) | Q(summary__icontains=q[:60]))
    return qs.annotate(n_decisions=Count("decisions"))


def meeting_get(*, user, public_id) -> Meeting:
    return get_or_404(meeting_list(user=user).select_related("recorded_by"), public_id=public_id)


def decision_get(*, user, public_id) -> MeetingDecision:
    meetings = meeting_list(user=user).values("pk")
    return get_or_404(
        MeetingDecision.objects.filter(meeting__in=meetings).select_related("meeting"),
        public_id=public_id,
    )
