"""Scoped reads of community registrations, renewals, registration rates and the
quarterly service record card.

`registration_live_q` is the one definition of "in force": confirmed and not past its
`valid_until`. Lapsed (expired) is derived when read, never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_org_or_region, restrict_by_path
from bastion.party.models import (
    CommunityRegistration,
    MemberStatus,
    Organization,
    PartyMember,
    RegistrationRenewal,
    RegistrationStatus,
    RenewalStatus,
    ServiceRecordEntry,
)
from bastion.party.selectors.common import get_or_404, signed_in

STATE_LABELS = {
    "pending": _("待社区确认"),
    "in_force": _("报到有效"),
    "lapsed": _("已过期，需续期"),
    "rejected": _("未通过"),
    "withdrawn": _("已撤回"),
}


def registration_live_q(today=None) -> Q:
    """Registrations in force on `today`: confirmed and not past their renewal date."""
    today = today or timezone.localdate()
    return Q(status=RegistrationStatus.CONFIRMED) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def registration_state(registration: CommunityRegistration, today: dt.date | None = None) -> str:
    """pending / in_force / lapsed / rejected / withdrawn."""
    today = today or timezone.localdate()
    if registration.status == RegistrationStatus.CONFIRMED:
        if registration.valid_until is not None and registration.valid_until < today:
            return "lapsed"
        return "in_force"
    return registration.status


def registration_list(*, user, perm: str = Perm.PARTY_VIEW) -> QuerySet[CommunityRegistration]:
    """Registrations the user may see: at communities in her region subtrees, or of members
    of organizations in her organization subtrees (the employer sees its members')."""
    if not signed_in(user):
        return CommunityRegistration.objects.none()
    return restrict_by_org_or_region(
        CommunityRegistration.objects.all(), user, perm, region_field="path"
    ).select_related("member__person", "member__organization", "community")


def registration_get(*, user, public_id, perm: str = Perm.PARTY_VIEW) -> CommunityRegistration:
    return get_or_404(registration_list(user=user, perm=perm), public_id)


def registration_queue(*, user) -> QuerySet[CommunityRegistration]:
    """Registrations waiting at the communities where the user confirms them."""
    if not signed_in(user):
        return CommunityRegistration.objects.none()
    return restrict_by_path(
        CommunityRegistration.objects.filter(status=RegistrationStatus.PENDING),
        user,
        Perm.REGISTRATION_CONFIRM,
    ).select_related("member__person", "member__organization", "community")


def renewal_queue(*, user) -> QuerySet[RegistrationRenewal]:
    """Members' renewal requests waiting at the user's communities."""
    if not signed_in(user):
        return RegistrationRenewal.objects.none()
    return restrict_by_path(
        RegistrationRenewal.objects.filter(status=RenewalStatus.PENDING),
        user,
        Perm.REGISTRATION_CONFIRM,
    ).select_related("registration__member__person", "registration__community")


def renewal_get(*, user, public_id) -> RegistrationRenewal:
    if not signed_in(user):
        return get_or_404(RegistrationRenewal.objects.none(), public_id)
    qs = restrict_by_org_or_region(
        RegistrationRenewal.objects.all(), user, Perm.PARTY_VIEW, region_field="path"
    ).select_related("registration__member__person", "registration__community")
    return get_or_404(qs, public_id)


def member_registrations(member: PartyMember) -> QuerySet[CommunityRegistration]:
    """All registrations of a member (opened through a selector), newest first."""
    return member.registrations.select_related("community").prefetch_related("renewals")


def member_live_registration(member: PartyMember) -> CommunityRegistration | None:
    """The member's pending or confirmed registration (in force or lapsed), if any."""
    return (
        member.registrations.filter(
            status__in=[RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED]
        )
        .select_related("community")
        .prefetch_related("renewals")
        .first()
    )


def _ancestor_paths(path: str) -> list[str]:
    """ "a/b/c/" -> ["a/", "a/b/", "a/b/c/"]."""
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def registration_in_force_covering(*, person_id: int, region_path: str, today=None):
    """The person's registration in force at a community that contains `region_path`
    (a grid or the community itself), or None. The volunteers app asks this before a
    member claims a task there."""
    return (
        CommunityRegistration.objects.filter(
            member__person_id=person_id, path__in=_ancestor_paths(region_path)
        )
        .filter(registration_live_q(today))
        .select_related("member", "community")
        .first()
    )


# --- Registration rate of an employer organization -----------------------------------------


@dataclass(frozen=True)
class RegistrationRate:
    organization: Organization
    employed: int
    registered: int
    target: int | None

    @property
    def rate(self) -> float | None:
        return round(100 * self.registered / self.employed, 1) if self.employed else None

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.rate is None:
            return None
        return self.rate >= self.target


def _registered_exists(today: dt.date):
    return Exists(
        CommunityRegistration.objects.filter(member=OuterRef("pk")).filter(
            registration_live_q(today)
        )
    )


def registration_rate(
    *, organization: Organization, today: dt.date | None = None
) -> RegistrationRate:
    """Employed members of the organization's subtree and how many are registered in
    force (the caller has opened the organization through a selector)."""
    today = today or timezone.localdate()
    counts = (
        PartyMember.objects.filter(org_path__startswith=organization.path, is_employed=True)
        .exclude(status=MemberStatus.LEFT)
        .aggregate(
            employed=Count("pk"),
            registered=Count("pk", filter=_registered_exists(today)),
        )
    )
    return RegistrationRate(
        organization, counts["employed"], counts["registered"], organization.registration_target
    )


def registration_rates_below(
    *, organization: Organization, today: dt.date | None = None
) -> list[RegistrationRate]:
    """The rate of each child organization (two queries for all of them)."""
    today = today or timezone.localdate()
    children = list(Organization.objects.filter(parent=organization).order_by("code"))
    if not children:
        return []
    rows = (
        PartyMember.objects.filter(org_path__startswith=organization.path, is_employed=True)
        .exclude(status=MemberStatus.LEFT)
        .annotate(registered=_registered_exists(today))
        .values_list("org_path", "registered")
    )
    employed: dict[str, int] = {}
    registered: dict[str, int] = {}
    for path, live in rows.iterator(chunk_size=5000):
        for child in children:
            if path.startswith(child.path):
                employed[child.path] = employed.get(child.path, 0) + 1
                registered[child.path] = registered.get(child.path, 0) + int(bool(live))
                break
    return [
        RegistrationRate(
            c, employed.get(c.path, 0), registered.get(c.path, 0), c.registration_target
        )
        for c in children
    ]


# --- Quarterly service record card --------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar quarter."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(quarter)
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def current_quarter(today: dt.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def effective_entries() -> QuerySet[ServiceRecordEntry]:
    """Service entries that count: those no later entry corrects."""
    return ServiceRecordEntry.objects.filter(corrections__isnull=True)


@dataclass(frozen=True)
class ServiceCard:
    member: PartyMember
    year: int
    quarter: int
    entries: list[ServiceRecordEntry]
    registration: CommunityRegistration | None

    @property
    def hours(self) -> Decimal:
        return sum((e.hours for e in self.entries), Decimal("0"))

    @property
    def days(self) -> int:
        return len({e.served_on for e in self.entries})

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return quarter_bounds(self.year, self.quarter)


def service_card(*, member: PartyMember, year: int, quarter: int) -> ServiceCard:
    """What the member did in the community in one quarter (opened through a selector)."""
    start, end = quarter_bounds(year, quarter)
    entries = list(
        effective_entries()
        .filter(member=member, served_on__range=(start, end))
        .select_related("community")
        .order_by("served_on", "id")
    )
    return ServiceCard(member, year, quarter, entries, member_live_registration(member))


def service_totals(
    *, members: QuerySet[PartyMember], year: int, quarter: int
) -> dict[int, tuple[Decimal, int, int]]:
    """member id -> (hours, entries, days served) for the quarter, in one query."""
    start, end = quarter_bounds(year, quarter)
    rows = (
        effective_entries()
        .filter(member__in=members.values("pk"), served_on__range=(start, end))
        .values("member_id")
        .annotate(
            hours=Sum("hours"),
            entries=Count("pk"),
            days=Count("served_on", distinct=True),
        )
    )
    return {r["member_id"]: (r["hours"] or Decimal("0"), r["entries"], r["days"]) for r in rows}
