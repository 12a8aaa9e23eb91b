"""Daily forms for the few figures that have no source in the system (e.g. meetings held
by a village). The county command configures a form (fields, which units, a deadline
hour); each unit files it once per local day. A field may not ask for a figure that an
indicator already computes (`services.dailyforms`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Region


class DailyForm(PublicIdModel, TimestampedModel):
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True, default="")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    levels = models.JSONField(default=list, help_text="region levels that file the form")
    deadline_hour = models.PositiveSmallIntegerField(
        default=18, help_text="local hour of the day by which a unit files (1-24)"
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-active", "name", "id"]

    def __str__(self) -> str:
        return self.name


class FieldKind(models.TextChoices):
    INTEGER = "integer", _("整数")
    TEXT = "text", _("文字")


class DailyFormField(models.Model):
    form = models.ForeignKey(DailyForm, on_delete=models.CASCADE, related_name="fields")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=FieldKind.choices, default=FieldKind.INTEGER)
    required = models.BooleanField(default=True)
    min_value = models.IntegerField(null=True, blank=True, default=0)
    max_value = models.IntegerField(null=True, blank=True)
    help_text = models.CharField(max_length=200, blank=True, default="")
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["form", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="daily_field_code_once")
        ]

    def __str__(self) -> str:
        return self.label


class DailyReport(PublicIdModel):
    """One unit's form for one local day (unique); corrections that day are audited."""

    form = models.ForeignKey(DailyForm, on_delete=models.PROTECT, related_name="reports")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    local_date = models.DateField()
    values = models.JSONField(default=dict)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField()
    late = models.BooleanField(default=False, help_text="filed after the deadline hour")
    amended_at = models.DateTimeField(null=True, blank=True)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["form", "-local_date", "path"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "region", "local_date"], name="daily_report_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["form", "local_date", "path"], name="daily_report_day")]

    def __str__(self) -> str:
        return f"{self.form_id} {self.region_id} {self.local_date}"
