"""Daily briefings (工作简报): text written from the indicators, edited by staff, published.

A briefing keeps the figures it was written from (`figures`: indicator code -> value, name,
unit) as of the end of its day; its text names them by token (`[[code]]`, `[[code|逾]]`),
so an edited sentence still points at its indicator and shows the value of the day.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Region


class BriefingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class BriefingLanguage(models.TextChoices):
    ZH = "zh-hans", _("中文")
    EN = "en", _("英文")


class Briefing(PublicIdModel, TimestampedModel):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)  # the region's path, for scoping
    day = models.DateField()
    language = models.CharField(
        max_length=8, choices=BriefingLanguage.choices, default=BriefingLanguage.ZH
    )
    number = models.PositiveIntegerField(default=0)  # 第N期: per region and language
    title = models.CharField(max_length=120)
    preface = models.TextField(blank=True, default="")
    # [{"key": "screening", "title": "...", "text": "...[[code]]..."}]
    sections = models.JSONField(default=list)
    # {"code": {"value": 123, "name": "...", "unit": "..."}} as of `as_of`
    figures = models.JSONField(default=dict)
    as_of = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=BriefingStatus.choices, default=BriefingStatus.DRAFT
    )
    scheduled = models.BooleanField(default=False)  # written by the morning job
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "path"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "day", "language"], name="briefing_one_per_region_day_language"
            )
        ]

    def __str__(self) -> str:
        return self.title
