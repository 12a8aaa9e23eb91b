"""What the county and communities configure: task kinds, the rules of a region (resident
volunteers allowed, cancellation deadline, points rule, public requests), and resident
volunteers (people without party membership who serve in their community)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Region
from bastion.people.models import Person

# The rules in force where no region has set its own (docs/decisions/0041).
DEFAULT_CANCEL_DEADLINE_HOURS = 2
DEFAULT_MINUTES_PER_POINT = 30
DEFAULT_POINTS_PER_UNIT = 1


class TaskKind(models.Model):
    """A kind of volunteer task (卡口值守, 代购配送, …); the list is edited at county level."""

    code = models.SlugField(max_length=30, unique=True)
    name_zh = models.CharField(max_length=40)
    name_en = models.CharField(max_length=60, blank=True, default="")
    order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        english = (translation.get_language() or "").startswith("en")
        return (self.name_en or self.name_zh) if english else self.name_zh


class VolunteerRules(TimestampedModel):
    """The volunteer rules of one region (county, town or community) and the regions under it.

    The rules for a task are those of the nearest region at or above the task's place
    that has a row; with none, the defaults above.
    """

    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, unique=True)
    allow_residents = models.BooleanField(default=False)
    cancel_deadline_hours = models.PositiveSmallIntegerField(
        default=DEFAULT_CANCEL_DEADLINE_HOURS,
        validators=[MaxValueValidator(168)],
    )
    minutes_per_point = models.PositiveSmallIntegerField(
        default=DEFAULT_MINUTES_PER_POINT,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
    )
    points_per_unit = models.PositiveSmallIntegerField(
        default=DEFAULT_POINTS_PER_UNIT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    public_requests = models.BooleanField(default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "volunteer rules"

    def __str__(self) -> str:
        return f"rules @ {self.path}"


class ResidentVolunteer(PublicIdModel, TimestampedModel):
    """A resident who volunteers without party membership, registered by community staff.

    Links a person (and, when they have one, their login) to a home grid; they may claim
    the tasks of their community when its rules allow resident volunteers.
    """

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_volunteer",
    )
    home_grid = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    skills = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    left_on = models.DateField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["path", "id"]

    def __str__(self) -> str:
        return f"{self.person.name[:1]}** @ {self.community_id}"
