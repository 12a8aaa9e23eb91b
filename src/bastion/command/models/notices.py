"""Notices, measure packages and guides published to units, with versions and receipts.

A unit has read a notice when `read_version` reaches the notice's `current_version`; a new
version makes every unit unread again. Each first read of a version by a unit is one
`NoticeReceipt` row (who, when).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.command.models.units import AddressedToUnit, IssuedByUnit
from bastion.core.models import PublicIdModel, StoredFile, TimestampedModel


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("通知")
    MEASURE = "measure", _("措施")
    GUIDE = "guide", _("指南")


class NoticeStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Notice(PublicIdModel, TimestampedModel, IssuedByUnit):
    kind = models.CharField(max_length=10, choices=NoticeKind.choices)
    title = models.CharField(max_length=120)
    status = models.CharField(
        max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.PUBLISHED
    )
    current_version = models.PositiveSmallIntegerField(default=1)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeVersion(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    body = models.TextField()
    change_note = models.CharField(max_length=300, blank=True, default="")
    attachments = models.ManyToManyField(StoredFile, blank=True, related_name="+")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["notice", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "number"], name="notice_version_once")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class NoticeTarget(PublicIdModel, AddressedToUnit):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="targets")
    added_at = models.DateTimeField()
    read_version = models.PositiveSmallIntegerField(default=0)
    read_at = models.DateTimeField(null=True, blank=True, help_text="first read of read_version")

    class Meta:
        ordering = ["notice", "region_path", "org_path", "unit_name"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "unit_key"], name="notice_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} v{self.read_version}"


class NoticeReceipt(models.Model):
    """The first read of one version by one unit (append-only)."""

    target = models.ForeignKey(NoticeTarget, on_delete=models.CASCADE, related_name="receipts")
    version = models.PositiveSmallIntegerField()
    read_at = models.DateTimeField()
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reader_name = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        ordering = ["target", "version"]
        constraints = [
            models.UniqueConstraint(fields=["target", "version"], name="notice_receipt_once")
        ]

    def __str__(self) -> str:
        return f"{self.target_id} v{self.version}"
