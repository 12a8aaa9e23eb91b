"""Configuration, not code: observation policies, team templates and risk areas."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel


class TeamTemplate(PublicIdModel, TimestampedModel):
    """The shape of a responsibility team: 五包一 by default, 四包一 or 六包一 elsewhere."""

    name = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return self.name


class TeamTemplateRole(models.Model):
    """One seat of a team template (镇联村干部, 网格干部, 村干部, 民警, 乡村医生).

    Seats are filled from SeatAssignment: whoever holds this seat code for the
    nearest region above the person's grid is proposed.
    """

    template = models.ForeignKey(TeamTemplate, on_delete=models.CASCADE, related_name="roles")
    code = models.SlugField(max_length=30)
    label_zh = models.CharField(max_length=40)
    label_en = models.CharField(max_length=60)
    order = models.PositiveSmallIntegerField(default=0)
    confirms_release = models.BooleanField(
        default=False, help_text="this seat (the village doctor) confirms release"
    )

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="team_role_code_unique")
        ]

    def __str__(self) -> str:
        return self.label_zh


class SeatAssignment(PublicIdModel, TimestampedModel):
    """A standing duty: `user` fills seat `seat_code` for every observation under `region`
    (the police officer of a station area, the doctor of a village clinic, ...).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seat_duties"
    )
    seat_code = models.SlugField(max_length=30)
    region = models.ForeignKey("geo.Region", on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "seat_code", "region"], name="seat_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.seat_code} @ {self.path}"


class ClockStart(models.TextChoices):
    ARRIVAL = "arrival", _("到达日期")
    LAST_CONTACT = "last_contact", _("末次接触日期")


class Policy(PublicIdModel, TimestampedModel):
    """How one category of people is observed (返乡人员, 密切接触者, ...)."""

    category = models.SlugField(max_length=40, unique=True)
    name_zh = models.CharField(max_length=40)
    name_en = models.CharField(max_length=60)
    observation_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    clock_start = models.CharField(
        max_length=12, choices=ClockStart.choices, default=ClockStart.ARRIVAL
    )
    followups_per_day = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    fever_threshold = models.DecimalField(max_digits=3, decimal_places=1, default=Decimal("37.3"))
    cutoff_hour = models.PositiveSmallIntegerField(
        default=20,
        validators=[MaxValueValidator(23)],
        help_text="local hour after which the day's follow-ups are overdue",
    )
    retention_days = models.PositiveSmallIntegerField(
        default=30, help_text="days observation data is kept after release"
    )
    escalation_hours = models.JSONField(
        default=list,
        blank=True,
        help_text="hours without acknowledgement before an alert climbs: doctor, community, town, county",
    )
    team_template = models.ForeignKey(
        TeamTemplate, on_delete=models.PROTECT, related_name="policies"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.name_zh

    @property
    def display_name(self) -> str:
        """The name in the active language (English when switched to English)."""
        from django.utils import translation

        english = (translation.get_language() or "").startswith("en")
        return (self.name_en or self.name_zh) if english else self.name_zh


class RiskArea(PublicIdModel, TimestampedModel):
    """An area listed as risky between two dates (inclusive); an open end means still risky."""

    name = models.CharField(max_length=100)
    code = models.CharField(
        max_length=12, blank=True, default="", help_text="division code prefix, if known"
    )
    risky_from = models.DateField()
    risky_until = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-risky_from", "name"]

    def __str__(self) -> str:
        return self.name
