"""Field entries the server could not apply because its data moved on while the phone
was offline (the person was released, the household moved to another grid, the task was
cancelled). They are kept here for the office to resolve, never dropped."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel


class EntryKind(models.TextChoices):
    FOLLOWUP = "followup", _("随访")
    VISIT = "visit", _("入户走访")
    CHECKIN = "checkin", _("签到签退")
    INCIDENT = "incident", _("事件上报")


class ConflictReason(models.TextChoices):
    RELEASED = "released", _("观察已结束或已解除")
    OUT_OF_REACH = "out_of_reach", _("已不在你的负责范围（如已迁往其他网格）")
    CAMPAIGN_CLOSED = "campaign_closed", _("排查行动已结束")
    ROUND_CHANGED = "round_changed", _("排查已进入新一轮")
    ALREADY_SETTLED = "already_settled", _("该户本轮已由他人登记")
    CANCELLED = "cancelled", _("任务或认领已取消")


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已处理")


class FieldConflict(PublicIdModel):
    """One offline entry that met newer data on the server, as the phone sent it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)  # the entry's idempotency key
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    reason = models.CharField(max_length=20, choices=ConflictReason.choices)
    target = models.CharField(max_length=64)  # public id or region code of what it was about
    target_label = models.CharField(max_length=200, blank=True, default="")  # masked
    path = models.CharField(max_length=255, db_index=True)  # where the office sits
    data = models.JSONField(default=dict)
    queued_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="field_conflict_once_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_reason_display()}"
