"""Scoped reads of mobilization calls and their recipients, with the derived counts.

A call is visible to whoever sees the organization that sent it, and to whoever sees
one of its recipients (the organizations and members below); recipients are listed
only as far as the user sees them. A member sees the calls addressed to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_org_or_region
from bastion.party.models import (
    Mobilization,
    MobilizationRecipient,
    PartyMember,
    ResponseState,
)
from bastion.party.selectors.common import get_or_404, signed_in


@dataclass(frozen=True)
class CallCounts:
    recipients: int
    seen: int
    answered: int
    acted: int
    people: int

    @property
    def response_rate(self) -> float | None:
        """Share (percent) of recipients that answered or acted."""
        return round(100 * self.answered / self.recipients, 1) if self.recipients else None

    @property
    def action_rate(self) -> float | None:
        return round(100 * self.acted / self.recipients, 1) if self.recipients else None


# Recipients in one state (the states are derived from the timestamps).
STATE_FILTERS = {
    ResponseState.UNSEEN: {"seen_at__isnull": True},
    ResponseState.SEEN: {"seen_at__isnull": False, "answered_at__isnull": True},
    ResponseState.ANSWERED: {"answered_at__isnull": False, "acted_at__isnull": True},
    ResponseState.ACTED: {"acted_at__isnull": False},
}

COUNT_FIELDS = {
    "recipient_count": Count("pk"),
    "seen_count": Count("pk", filter=Q(seen_at__isnull=False)),
    "answered_count": Count("pk", filter=Q(answered_at__isnull=False)),
    "acted_count": Count("pk", filter=Q(acted_at__isnull=False)),
}


def recipient_list(*, user, mobilization: Mobilization | None = None) -> QuerySet:
    """Recipients the user sees (through her organization or region grants)."""
    if not signed_in(user):
        return MobilizationRecipient.objects.none()
    qs = restrict_by_org_or_region(MobilizationRecipient.objects.all(), user, Perm.PARTY_VIEW)
    if mobilization is not None:
        qs = qs.filter(mobilization=mobilization)
    return qs.select_related("organization", "member__person", "member__organization")


def mobilization_list(*, user) -> QuerySet[Mobilization]:
    """Calls sent by an organization the user sees, or with a recipient she sees, or
    addressed to her own membership."""
    if not signed_in(user):
        return Mobilization.objects.none()
    sent = restrict_by_org_or_region(Mobilization.objects.all(), user, Perm.PARTY_VIEW)
    received = restrict_by_org_or_region(
        MobilizationRecipient.objects.all(), user, Perm.PARTY_VIEW
    ).values("mobilization_id")
    own = MobilizationRecipient.objects.filter(member__user=user).values("mobilization_id")
    return Mobilization.objects.filter(
        Q(pk__in=sent.values("pk")) | Q(pk__in=received) | Q(pk__in=own)
    ).select_related("organization", "sent_by")


def mobilization_get(*, user, public_id) -> Mobilization:
    return get_or_404(mobilization_list(user=user), public_id)


def mobilization_counts(*, user, mobilization: Mobilization) -> CallCounts:
    """Counts over the recipients the user sees (all of them for the sender's side)."""
    sender_side = restrict_by_org_or_region(
        Mobilization.objects.filter(pk=mobilization.pk), user, Perm.PARTY_VIEW
    ).exists()
    qs = (
        MobilizationRecipient.objects.filter(mobilization=mobilization)
        if sender_side
        else recipient_list(user=user, mobilization=mobilization)
    )
    row = qs.order_by().aggregate(**COUNT_FIELDS, people=Sum("people_count"))
    return CallCounts(
        row["recipient_count"],
        row["seen_count"],
        row["answered_count"],
        row["acted_count"],
        row["people"] or 0,
    )


def mobilizations_with_counts(*, user) -> QuerySet[Mobilization]:
    """The user's calls annotated with recipients / seen / answered / acted (all recipients)."""
    return (
        mobilization_list(user=user)
        .annotate(
            recipient_total=Count("recipients"),
            seen_total=Count("recipients", filter=Q(recipients__seen_at__isnull=False)),
            answered_total=Count("recipients", filter=Q(recipients__answered_at__isnull=False)),
            acted_total=Count("recipients", filter=Q(recipients__acted_at__isnull=False)),
        )
        .order_by("-sent_at", "-id")
    )


def recipient_of_member(*, member: PartyMember, mobilization: Mobilization):
    return (
        MobilizationRecipient.objects.filter(mobilization=mobilization, member=member)
        .select_related("mobilization", "member")
        .first()
    )


def recipient_get(*, user, mobilization: Mobilization, key: str) -> MobilizationRecipient:
    """One recipient of a call by its key ("o-<uuid>" / "m-<uuid>") that the user sees
    (or her own); Http404 otherwise."""
    kind, _dash, public_id = (key or "").partition("-")
    try:
        uuid = UUID(public_id)
    except ValueError as exc:
        raise Http404 from exc
    lookups = {"o": "organization__public_id", "m": "member__public_id"}
    if kind not in lookups:
        raise Http404
    qs = recipient_list(
        user=user, mobilization=mobilization
    ) | MobilizationRecipient.objects.filter(mobilization=mobilization, member__user=user)
    recipient = (
        qs.filter(**{lookups[kind]: uuid})
        .select_related("mobilization", "member", "organization")
        .first()
    )
    if recipient is None:
        raise Http404
    return recipient


def member_calls(*, member: PartyMember) -> QuerySet[MobilizationRecipient]:
    """The calls addressed to a member, newest first."""
    return (
        MobilizationRecipient.objects.filter(member=member)
        .select_related("mobilization__organization")
        .order_by("-mobilization__sent_at")
    )
