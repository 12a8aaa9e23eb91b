"""Campaigns and household visits: the door-to-door ledger and its per-household state."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, StoredFile, TimestampedModel
from bastion.geo.models import Household, Region
from bastion.people.models import Person, Tag


class CampaignKind(models.TextChoices):
    CARPET = "carpet", _("地毯式排查")
    DOOR_KNOCK = "door_knock", _("敲门行动")
    PUBLICITY = "publicity", _("宣传发动")
    RESCREEN = "rescreen", _("再排查")


class Campaign(PublicIdModel, TimestampedModel):
    """A screening action over one or more regions, for a period, in numbered rounds.

    `path` is the deepest region path shared by all its areas (where it is managed from);
    `current_round` is the round new visits count in (rounds are opened, never closed).
    """

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=CampaignKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    household_tag = models.ForeignKey(
        Tag, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    instructions = models.TextField(blank=True, default="")
    path = models.CharField(max_length=255, db_index=True)
    current_round = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CampaignArea(models.Model):
    """One region a campaign covers (its households are the ones under these paths)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="areas")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "region"], name="campaign_area_unique")
        ]

    def __str__(self) -> str:
        return self.path


class CampaignRound(models.Model):
    """When round N of a campaign was opened; the round in force at a moment is the last
    one opened by then."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="campaign_round_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}#{self.number}"


class Outcome(models.TextChoices):
    VISITED = "visited", _("已走访")
    NOBODY_HOME = "nobody_home", _("无人在家")
    REFUSED = "refused", _("拒绝配合")
    VACANT = "vacant", _("空置房")
    MOVED_OUT = "moved_out", _("已搬离")


# Outcomes that settle a household for the round; nobody home leaves it to revisit.
CONCLUSIVE = frozenset({Outcome.VISITED, Outcome.REFUSED, Outcome.VACANT, Outcome.MOVED_OUT})
# Outcomes that count as covered (the household's situation is known).
COVERED = frozenset({Outcome.VISITED, Outcome.VACANT, Outcome.MOVED_OUT})


class HouseholdVisit(PublicIdModel):
    """One knock at one household's door in one round of a campaign (append-only).

    A household gets any number of "nobody home" visits in a round and at most one
    conclusive visit; a correction is a new visit whose `corrects` points at the one it
    replaces. `entry_key` is the page's form token: a double-tapped submit finds the
    first visit instead of writing a second one.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="visits")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField()
    path = models.CharField(max_length=255)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    people_present = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(max_length=500, blank=True, default="")
    photo = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    entry_key = models.CharField(max_length=64, blank=True, default="")
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    correction_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recorded_by", "entry_key"],
                condition=~Q(entry_key=""),
                name="visit_entry_key_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["campaign", "round", "household", "id"], name="visit_campaign_household"
            ),
            models.Index(fields=["campaign", "recorded_at"], name="visit_campaign_recorded"),
            models.Index(
                fields=["campaign", "round", "path"],
                name="visit_campaign_path",
                opclasses=["", "", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.visited_at:%Y-%m-%d}"

    @property
    def is_conclusive(self) -> bool:
        return self.outcome in CONCLUSIVE

    @property
    def region(self):
        """The household's grid (for indicator record lists; select household__region)."""
        return self.household.region

    @property
    def label(self) -> str:
        return self.household.label


class FindingKind(models.TextChoices):
    RISK_ARRIVAL = "risk_arrival", _("有人从风险地区返回")
    SYMPTOMS = "symptoms", _("有人出现症状")
    OTHER = "other", _("其他情况")


class VisitFinding(models.Model):
    """Something found at a visit. A risk-area arrival is logged with monitoring
    (`arrival_ref`); someone with symptoms raises an incident with command
    (`incident_ref`, one per visit)."""

    visit = models.ForeignKey(HouseholdVisit, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=14, choices=FindingKind.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_name = models.CharField(max_length=60, blank=True, default="")
    origin = models.CharField(max_length=100, blank=True, default="")
    arrived_on = models.DateField(null=True, blank=True)
    symptoms = models.CharField(max_length=200, blank=True, default="")
    note = models.CharField(max_length=300, blank=True, default="")
    arrival_ref = models.CharField(max_length=36, blank=True, default="")
    incident_ref = models.CharField(max_length=36, blank=True, default="")

    class Meta:
        ordering = ["visit", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class VisitState(models.Model):
    """Where a household stands in one round of a campaign: its latest counted visit.

    A projection of the visit ledger written in the same transaction as each visit
    (never edited otherwise; `campaigns_rebuild_state` recomputes it from the ledger),
    so that coverage is a GROUP BY over one row per visited household.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField()
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    visit = models.ForeignKey(HouseholdVisit, on_delete=models.PROTECT, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "round", "household"], name="visit_state_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["campaign", "round", "path", "outcome"],
                name="visit_state_path_outcome",
                opclasses=["", "", "varchar_pattern_ops", ""],
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} r{self.round}: {self.outcome}"


class CoverageCount(models.Model):
    """How many households of one grid stand at each outcome in one round: exact
    counters kept with `VisitState` in the same transaction (a visit moves its household
    from one outcome to another), so a county's coverage sums a few thousand rows.

    Only grid-aligned questions can use them (no household tag, no 包户 scope); the
    others count `VisitState` rows. `campaigns_rebuild_state` recomputes both.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField()
    path = models.CharField(max_length=255)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "round", "path", "outcome"], name="coverage_count_unique"
            )
        ]
        # A region's counters are found by path prefix (LIKE 'a/b/%'): the unique
        # constraint's btree cannot serve LIKE outside the C collation (county scale:
        # a seq scan of every grid's counters for one grid's figures; BENCHMARKS.md).
        indexes = [
            models.Index(
                fields=["campaign", "round", "path"],
                name="coverage_count_path",
                opclasses=["", "", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.path} r{self.round} {self.outcome}: {self.n}"
