"""Alerts raised to a team, and home-service requests for people under observation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.monitoring.models.followups import FollowUp
from bastion.monitoring.models.observations import Observation


class AlertKind(models.TextChoices):
    FEVER = "fever", _("发热")
    SYMPTOM = "symptom", _("症状")
    MISSED = "missed", _("漏报随访")
    NOT_HOME = "not_home", _("不在家")


class Alert(PublicIdModel):
    """An alert. Its escalation level is derived from `raised_at` and the policy's hours;
    acknowledgement and resolution are kept with their notes.
    """

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="alerts")
    path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    followup = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    local_date = models.DateField()
    raised_at = models.DateTimeField()
    detail = models.CharField(max_length=300, blank=True, default="")  # default language
    # The untranslated detail (core.i18n.Msg): shown in the reader's language.
    detail_message = models.JSONField(default=dict, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledge_note = models.CharField(max_length=300, blank=True, default="")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolve_note = models.CharField(max_length=300, blank=True, default="")
    # Set when the system closed the alert (its observation ended): shown translated.
    resolve_note_message = models.JSONField(default=dict, blank=True)
    notified_level = models.PositiveSmallIntegerField(
        default=0, help_text="highest escalation level already notified (bookkeeping only)"
    )

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "kind", "local_date"],
                condition=models.Q(kind__in=["missed", "not_home"]),
                name="one_missed_or_absent_alert_per_day",
            )
        ]
        indexes = [models.Index(fields=["resolved_at", "path"], name="alert_open_path")]

    def __str__(self) -> str:
        return f"{self.kind} {self.local_date}"

    @property
    def detail_text(self) -> str:
        """The detail in the active language."""
        from bastion.core.i18n import render_stored

        return render_stored(self.detail_message, self.detail)

    @property
    def resolve_note_text(self) -> str:
        from bastion.core.i18n import render_stored

        return render_stored(self.resolve_note_message, self.resolve_note)

    @staticmethod
    def open_q(now, prefix: str = "") -> models.Q:
        """Alerts raised by `now` and not resolved by then (what "open" means for every
        figure: the today page, the monitoring view, the indicators)."""
        return models.Q(**{f"{prefix}raised_at__lte": now}) & (
            models.Q(**{f"{prefix}resolved_at__isnull": True})
            | models.Q(**{f"{prefix}resolved_at__gt": now})
        )


class ServiceKind(models.TextChoices):
    GROCERIES = "groceries", _("代购生活物资")
    MEDICINE = "medicine", _("代购药品")
    DOCTOR = "doctor", _("医生上门")
    OTHER = "other", _("其他")


class ServiceStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ASSIGNED = "assigned", _("已指派")
    IN_PROGRESS = "in_progress", _("处理中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class ServiceRequest(PublicIdModel, TimestampedModel):
    """A home service (居家服务) for a household under observation."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="services")
    path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(max_length=10, choices=ServiceKind.choices)
    detail = models.CharField(max_length=500, blank=True, default="")
    from_self_report = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services_assigned",
    )
    status = models.CharField(
        max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.OPEN
    )
    status_note = models.CharField(max_length=300, blank=True, default="")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"
