"""Follow-ups: an append-only ledger of checks, by the team or by the person."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.monitoring.models.observations import Observation


class Symptom(models.TextChoices):
    FEVER = "fever", _("发热")
    COUGH = "cough", _("咳嗽")
    FATIGUE = "fatigue", _("乏力")
    SORE_THROAT = "sore_throat", _("咽痛")
    SHORT_BREATH = "short_breath", _("气促")
    DIARRHOEA = "diarrhoea", _("腹泻")
    TASTE_SMELL = "taste_smell", _("味觉或嗅觉减退")
    OTHER = "other", _("其他")


class Contact(models.TextChoices):
    SEEN = "seen", _("已见到")
    NOT_SEEN = "not_seen", _("未见到")
    UNREACHABLE = "unreachable", _("联系不上")


class FollowUpSource(models.TextChoices):
    TEAM = "team", _("责任组")
    SELF = "self", _("本人自报")


class FollowUp(models.Model):
    """One check. `observed_at` is when it happened, `entered_at` when it was typed in;
    a correction is a new row whose `corrects` points at the row it replaces.
    """

    # No single-column index: followup_obs_day and followup_obs_id lead with it.
    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="followups", db_index=False
    )
    path = models.CharField(max_length=255)
    observed_at = models.DateTimeField()
    entered_at = models.DateTimeField(auto_now_add=True)
    local_date = models.DateField(help_text="observed_at's local (Asia/Shanghai) date")
    source = models.CharField(max_length=5, choices=FollowUpSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.JSONField(default=list, blank=True)
    other_symptom = models.CharField(max_length=200, blank=True, default="")
    at_home = models.BooleanField(null=True)
    contact = models.CharField(max_length=12, choices=Contact.choices, default=Contact.SEEN)
    note = models.CharField(max_length=300, blank=True, default="")
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    abnormal = models.BooleanField(default=False, help_text="fever or a symptom, at entry time")

    class Meta:
        ordering = ["observation", "observed_at", "id"]
        indexes = [
            models.Index(fields=["observation", "local_date"], name="followup_obs_day"),
            models.Index(fields=["local_date", "path"], name="followup_day_path"),
            # An entry's number (`ref`) is COUNT(*) WHERE observation_id = o AND id <= n:
            # an index-only range scan instead of one heap page per entry.
            models.Index(fields=["observation", "id"], name="followup_obs_id"),
        ]

    def __str__(self) -> str:
        return f"{self.local_date} {self.source}"  # no health data: it lands in audit reprs
