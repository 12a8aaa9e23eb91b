"""Community registrations of the demo's employed members (in bulk), with renewals and
this quarter's service record entries."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from bastion.core.audit import Action, audit_record
from bastion.geo.models import Region
from bastion.party.demo import names
from bastion.party.demo.members import BATCH, Enrolled
from bastion.party.demo.structure import scaled
from bastion.party.models import (
    CommunityRegistration,
    RegistrationChannel,
    RegistrationRenewal,
    RegistrationStatus,
    RenewalStatus,
    Sector,
    ServiceRecordEntry,
)

ORGAN_SECTORS = (Sector.ORGAN,)  # county organs


def _community_of(path: str, communities: dict[str, Region]) -> Region | None:
    return communities.get("/".join(path.split("/")[:3]) + "/")


def register_members(
    *, rng: random.Random, members: list[Enrolled], ratio: float, now: dt.datetime, today: dt.date
) -> list[CommunityRegistration]:
    """Confirmed registrations of employed members at their home communities (county
    organs first), a few lapsed or waiting, renewals, and this quarter's service entries."""
    communities = {r.path: r for r in Region.objects.filter(level__in=["community", "village"])}
    organ_target = scaled(names.FULL["registered_organ"], ratio, 3)
    target = scaled(names.FULL["registered"], ratio, 5)
    employed = [m for m in members if m.employed]
    organ = [m for m in employed if m.sector in ORGAN_SECTORS]
    other = [m for m in employed if m.sector not in ORGAN_SECTORS]
    rng.shuffle(organ)
    rng.shuffle(other)
    chosen = organ[:organ_target] + other[: max(0, target - min(organ_target, len(organ)))]
    extra = other[len(chosen) : len(chosen) + max(3, target // 40)]  # lapsed or waiting
    rows, renewals = [], []
    for n, member in enumerate(chosen + extra):
        community = _community_of(member.grid_path, communities)
        if community is None:
            continue
        in_force = n < len(chosen)
        lapsed = not in_force and n % 2 == 0
        decided = now - dt.timedelta(days=rng.randint(5, 40), hours=rng.randint(0, 12))
        registration = CommunityRegistration(
            member_id=member.pk,
            community=community,
            path=community.path,
            org_path=member.org.path,
            channel=RegistrationChannel.ONLINE
            if rng.random() < 0.7
            else RegistrationChannel.OFFLINE,
            skills=rng.sample(names.SKILLS, rng.randint(0, 2)),
            availability=rng.choice(["周末全天", "工作日晚上", "随时"]),
            service_wishes=rng.choice(names.SERVICES),
            status=RegistrationStatus.CONFIRMED
            if in_force or lapsed
            else RegistrationStatus.PENDING,
            decided_at=decided if in_force or lapsed else None,
            valid_until=(
                today + dt.timedelta(days=rng.randint(15, 240))
                if in_force
                else today - dt.timedelta(days=rng.randint(1, 20))
                if lapsed
                else None
            ),
        )
        rows.append(registration)
    created = CommunityRegistration.objects.bulk_create(rows, batch_size=BATCH)
    for registration in created:
        if registration.status == RegistrationStatus.CONFIRMED and rng.random() < 0.06:
            previous = registration.valid_until - dt.timedelta(days=180)
            renewals.append(
                RegistrationRenewal(
                    registration=registration,
                    path=registration.path,
                    org_path=registration.org_path,
                    channel=RegistrationChannel.ONLINE,
                    status=RenewalStatus.CONFIRMED,
                    previous_valid_until=previous,
                    valid_until=registration.valid_until,
                    decided_at=now,
                )
            )
    RegistrationRenewal.objects.bulk_create(renewals, batch_size=BATCH)
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    entries = []
    for registration in created:
        if registration.status != RegistrationStatus.CONFIRMED or rng.random() > 0.35:
            continue
        for _n in range(rng.randint(1, 4)):
            served = quarter_start + dt.timedelta(
                days=rng.randint(0, max(0, (today - quarter_start).days))
            )
            entries.append(
                ServiceRecordEntry(
                    member_id=registration.member_id,
                    community=registration.community,
                    path=registration.path,
                    org_path=registration.org_path,
                    served_on=served,
                    hours=Decimal(rng.choice([2, 3, 4, 6, 8])),
                    description=rng.choice(names.SERVICES),
                )
            )
    ServiceRecordEntry.objects.bulk_create(entries, batch_size=BATCH)
    audit_record(
        actor=None,
        action=Action.IMPORT,
        object_type="party.communityregistration",
        object_repr="demo",
        changes={"registrations": len(created), "renewals": len(renewals), "entries": len(entries)},
    )
    return created
