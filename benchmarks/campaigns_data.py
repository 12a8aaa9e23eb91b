"""Synthetic campaign data for the coverage benchmark: a county of grids with their own
polygons, households, one county-wide carpet screening in three rounds, and its visit
ledger with the per-household state (written with COPY on PostgreSQL, bulk_create
elsewhere; not through the services).

Rounds 1 and 2 are complete, round 3 (the current one) has reached most households;
a share of households needs a second or third knock ("nobody home") in each round.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid

from benchmarks.monitoring_data import _user, _write, build_regions

OUTCOMES = ["visited"] * 86 + ["refused"] * 4 + ["vacant"] * 7 + ["moved_out"] * 3

STATE_SQL = """
INSERT INTO campaigns_visitstate (campaign_id, round, household_id, path, outcome, visit_id,
                                  attempts)
SELECT v.campaign_id, v.round, v.household_id, v.path, v.outcome, v.id, a.n
FROM campaigns_householdvisit v
JOIN (SELECT MAX(id) AS last, COUNT(*) AS n FROM campaigns_householdvisit
      WHERE campaign_id = %s GROUP BY round, household_id) a ON a.last = v.id
"""
COUNTS_SQL = """
INSERT INTO campaigns_coveragecount (campaign_id, round, path, outcome, n)
SELECT campaign_id, round, path, outcome, COUNT(*) FROM campaigns_visitstate
WHERE campaign_id = %s GROUP BY campaign_id, round, path, outcome
"""


def _rectangle(lng: float, lat: float, size: float) -> dict:
    a, b, c, d = (round(v, 6) for v in (lng, lat, lng + size, lat + size))
    return {"type": "Polygon", "coordinates": [[[a, b], [c, b], [c, d], [a, d], [a, b]]]}


def generate(
    *,
    households: int,
    visits: int | None = None,
    now: dt.datetime | None = None,
    seed: int = 11,
) -> dict:
    """`households` spread over the grids, and about `visits` (default 3.3 per household)
    visit rows over three rounds."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bastion.access.roles import Role
    from bastion.campaigns.models import HouseholdVisit, VisitState
    from bastion.geo.models import Household, Region

    rng = random.Random(seed)  # noqa: S311 - synthetic data
    now = now or timezone.now()
    started = time.perf_counter()
    visits = visits or int(households * 3.3)
    big = households >= 10_000
    towns, per = (10, 10) if big else (2, 2)
    with transaction.atomic():
        county, grids = build_regions(towns, per, per)
        for i, grid in enumerate(grids):
            grid.boundary = _rectangle(112.8 + (i % 40) * 0.01, 28.0 + (i // 40) * 0.01, 0.009)
        Region.objects.bulk_update(grids, ["boundary"], batch_size=500)
        command = _user("bench_command", Role.COUNTY_COMMAND, county)
        town = grids[0].parent.parent
        _user("bench_town", Role.TOWN_OFFICER, town)
        _user("bench_grid", Role.GRID_WORKER, grids[0])

        rows = []
        for i in range(households):
            grid = grids[i % len(grids)]
            rows.append(
                {
                    "public_id": uuid.uuid4(),
                    "region_id": grid.pk,
                    "path": grid.path,
                    "label": f"{i // len(grids) // 8 + 1}栋{i // len(grids) % 8 + 1}0{i % 2 + 1}-{i}",
                    "created_at": now - dt.timedelta(days=40),
                    "updated_at": now - dt.timedelta(days=40),
                }
            )
        _write(Household, rows)
        homes = list(Household.objects.order_by("pk").values_list("pk", "path"))
        del rows

        campaign = write_campaign(
            county=county, homes=homes, visits=visits, command=command, now=now, rng=rng
        )
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for table in (
                "geo_household",
                "campaigns_householdvisit",
                "campaigns_visitstate",
                "campaigns_coveragecount",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
    return {
        "households": len(homes),
        "grids": len(grids),
        "visits": HouseholdVisit.objects.count(),
        "states": VisitState.objects.count(),
        "current_round_states": VisitState.objects.filter(round=3).count(),
        "campaign": str(campaign.public_id),
        "seconds": round(time.perf_counter() - started, 1),
    }


def write_campaign(*, county, homes: list[tuple], visits: int, command, now: dt.datetime, rng):
    """One county-wide carpet screening in three rounds over `homes` ((pk, path)) with about
    `visits` visit rows, the per-household states and counters; returns the campaign.
    COPY on PostgreSQL; the caller holds the transaction."""
    from django.db import connection
    from django.utils import timezone

    from bastion.campaigns.models import Campaign, CampaignArea, CampaignRound, HouseholdVisit

    today = timezone.localdate(now)
    starts = today - dt.timedelta(days=20)
    campaign = Campaign.objects.create(
        name="全县地毯式排查",
        kind="carpet",
        starts_on=starts,
        ends_on=today + dt.timedelta(days=10),
        path=county.path,
        current_round=3,
        created_by=command,
    )
    CampaignArea.objects.create(campaign=campaign, region=county, path=county.path)
    opened = {}
    for number in (1, 2, 3):
        opened[number] = now - dt.timedelta(days=20 - (number - 1) * 7)
        CampaignRound.objects.create(
            campaign=campaign, number=number, opened_at=opened[number], opened_by=command
        )
    # Rounds 1 and 2 reach everyone; round 3 whatever the visit budget leaves.
    per_round = visits / 3.3
    written = 0
    for number in (1, 2, 3):
        share = 1.0 if number < 3 else max(0.0, min(1.0, (visits - written) / (1.3 * per_round)))
        batch = []
        for hid, path in homes:
            if rng.random() >= share:
                continue
            knocks = 1 + (rng.random() < 0.22) + (rng.random() < 0.06)
            at = opened[number] + dt.timedelta(minutes=rng.randrange(6 * 24 * 60))
            for k in range(knocks):
                outcome = "nobody_home" if k < knocks - 1 else rng.choice(OUTCOMES)
                if k == knocks - 1 and rng.random() < 0.05:
                    outcome = "nobody_home"  # still to revisit
                batch.append(
                    {
                        "public_id": uuid.uuid4(),
                        "campaign_id": campaign.pk,
                        "household_id": hid,
                        "round": number,
                        "path": path,
                        "outcome": outcome,
                        "people_present": 2 if outcome == "visited" else 0,
                        "visited_at": at + dt.timedelta(hours=k * 26),
                        "recorded_at": at + dt.timedelta(hours=k * 26, minutes=2),
                        "recorded_by_id": command.pk,
                    }
                )
            if len(batch) >= 50_000:
                _write(HouseholdVisit, batch)
                written += len(batch)
                batch = []
        _write(HouseholdVisit, batch)
        written += len(batch)
    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL, [campaign.pk])
        cursor.execute(COUNTS_SQL, [campaign.pk])
    return campaign
