"""An observation of one person under one policy, its team and its extensions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Household, Region
from bastion.monitoring.models.policy import Policy, RiskArea, TeamTemplateRole
from bastion.people.models import Person


class ObservationStatus(models.TextChoices):
    ACTIVE = "active", _("观察中")
    RELEASED = "released", _("已解除")
    ENDED = "ended", _("提前结束")


class EndReason(models.TextChoices):
    HOSPITAL = "hospital", _("转入医院")
    MOVED = "moved", _("迁出")
    DIED = "died", _("死亡")
    OTHER = "other", _("其他")


class Transport(models.TextChoices):
    TRAIN = "train", _("火车")
    FLIGHT = "flight", _("航班")
    CAR = "car", _("自驾")
    BUS = "bus", _("客车")
    OTHER = "other", _("其他")


class Observation(PublicIdModel, TimestampedModel):
    """A person under home observation (居家观察).

    `starts_on` is day 1 (the arrival or last-contact date, by policy); the period
    runs `observation_days + extra_days` local days. Schedules and overdue states are
    derived from these fields and the follow-ups at read time.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="observations")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="observations")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.SET_NULL)
    origin = models.CharField(max_length=100, help_text="where the person came from")
    risk_area = models.ForeignKey(RiskArea, null=True, blank=True, on_delete=models.SET_NULL)
    arrived_on = models.DateField(null=True, blank=True)
    last_contact_on = models.DateField(null=True, blank=True)
    transport = models.CharField(max_length=10, choices=Transport.choices, blank=True, default="")
    transport_number = models.CharField(max_length=20, blank=True, default="")
    starts_on = models.DateField()
    observation_days = models.PositiveSmallIntegerField()
    extra_days = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=10,
        choices=ObservationStatus.choices,
        default=ObservationStatus.ACTIVE,
        db_index=True,
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=10, choices=EndReason.choices, blank=True, default="")
    end_note = models.CharField(max_length=300, blank=True, default="")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    doctor_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    self_report_token_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymized_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["path", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "policy"],
                condition=models.Q(status="active"),
                name="one_active_observation_per_person_policy",
            ),
        ]
        indexes = [models.Index(fields=["status", "path"], name="observation_status_path")]

    def __str__(self) -> str:
        return f"{self.policy} {self.starts_on}"

    @property
    def total_days(self) -> int:
        return self.observation_days + self.extra_days


class Extension(models.Model):
    """An extension of the observation period, with its reason (append-only)."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="extensions"
    )
    days = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"+{self.days}"


class TeamMember(TimestampedModel):
    """One seat of an observation's responsibility team (五包一), filled by a user."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="team")
    seat = models.ForeignKey(TeamTemplateRole, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_seats"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["observation", "seat"], name="team_seat_unique")
        ]
        indexes = [models.Index(fields=["user", "observation"], name="team_member_user")]

    def __str__(self) -> str:
        return f"{self.seat}: {self.user}"
