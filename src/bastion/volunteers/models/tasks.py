"""Tasks a community, team or temporary branch publishes, and the series that generate
recurring ones."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Region
from bastion.party.models import Organization, Team
from bastion.volunteers.models.config import TaskKind


class PublisherKind(models.TextChoices):
    COMMUNITY = "community", _("村社区")
    TEAM = "team", _("队伍")
    TEMPORARY_BRANCH = "temporary_branch", _("临时党支部")


class LocationKind(models.TextChoices):
    GRID = "grid", _("网格")
    ADDRESS = "address", _("地址")
    ONLINE = "online", _("线上")


class RiskLevel(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class TaskStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", _("已取消")


class TaskFields(models.Model):
    """What a task and a series of tasks share: who publishes, what, where, for how many."""

    publisher_kind = models.CharField(max_length=20, choices=PublisherKind.choices)
    community = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Organization path of a team's or branch's task ("" for a community's), for org scoping.
    org_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    # Where: a grid, a community or town (an address in it), or the publisher's region online.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    location_kind = models.CharField(max_length=8, choices=LocationKind.choices)
    address = models.CharField(max_length=200, blank=True, default="")
    title = models.CharField(max_length=100)
    kind = models.ForeignKey(TaskKind, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(max_length=2000, blank=True, default="")
    slots = models.PositiveIntegerField()
    skills = models.JSONField(default=list, blank=True)
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices, default=RiskLevel.LOW)
    risk_note = models.CharField(max_length=300, blank=True, default="")
    protection = models.CharField(max_length=300, blank=True, default="")
    contact_name = models.CharField(max_length=60, blank=True, default="")
    contact_phone_encrypted = models.TextField(blank=True, default="")
    contact_phone_masked = models.CharField(max_length=11, blank=True, default="")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class TaskSeries(PublicIdModel, TimestampedModel, TaskFields):
    """A recurring task: one occurrence on each chosen weekday from `first_day` to `last_day`,
    from `start_time` to `end_time` local time (an end at or before the start is the next
    day). The occurrences are ordinary tasks pointing here."""

    first_day = models.DateField()
    last_day = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    weekdays = models.JSONField(default=list, blank=True, help_text="0=Monday … 6=Sunday")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-first_day", "-id"]
        verbose_name_plural = "task series"

    def __str__(self) -> str:
        return f"{self.title} {self.first_day}–{self.last_day}"


class Task(PublicIdModel, TimestampedModel, TaskFields):
    """One volunteer task with a fixed number of slots.

    `claimed_count` (slots held) and `waiting_count` are kept by the claim services under
    a row lock on this task; `lat`/`lng` are copied from the place's grid centroid (or the
    nearest ancestor's) when the task is saved, so the nearby list needs no join.
    """

    series = models.ForeignKey(
        TaskSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=TaskStatus.choices, default=TaskStatus.PUBLISHED
    )
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    claimed_count = models.PositiveIntegerField(default=0)
    waiting_count = models.PositiveIntegerField(default=0)
    checkin_secret = models.CharField(max_length=64, unique=True)
    checkin_rotated_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            # The nearby list: a bounding box on coordinates of published tasks, then time.
            models.Index(
                fields=["lat", "lng", "starts_at"],
                name="task_nearby",
                condition=models.Q(status="published"),
            ),
            # Online tasks have no coordinates; the nearby page lists the next ones apart.
            models.Index(
                fields=["starts_at"],
                name="task_online_next",
                condition=models.Q(status="published", location_kind="online"),
            ),
            models.Index(fields=["status", "starts_at"], name="task_status_start"),
            models.Index(fields=["path", "starts_at"], name="task_path_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="task_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(slots__gte=1), name="task_has_slots"),
            models.CheckConstraint(
                condition=models.Q(claimed_count__lte=models.F("slots")),
                name="task_claims_within_slots",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_full(self) -> bool:
        return self.claimed_count >= self.slots

    @property
    def free_slots(self) -> int:
        return max(0, self.slots - self.claimed_count)
