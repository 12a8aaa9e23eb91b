"""Directives (指令) sent down by a level to target units, one status per target.

"Overdue" is never stored: a target is overdue when it is not done and the deadline has
passed (`selectors.directives.effective_status`). `reminded_at` and `escalated_at` are
bookkeeping of the notification jobs only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.command.models.meetings import MeetingDecision
from bastion.command.models.units import AddressedToUnit, IssuedByUnit
from bastion.core.models import PublicIdModel, StoredFile, TimestampedModel


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class DirectiveStatus(models.TextChoices):
    ACTIVE = "active", _("执行中")
    CANCELLED = "cancelled", _("已撤销")


class TargetStatus(models.TextChoices):
    SENT = "sent", _("已下发")
    READ = "read", _("已阅")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    DONE = "done", _("已完成")


# Derived, never stored: not done and past the deadline.
OVERDUE = "overdue"
OVERDUE_LABEL = _("已逾期")


class Directive(PublicIdModel, TimestampedModel, IssuedByUnit):
    title = models.CharField(max_length=120)
    content = models.TextField()
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    deadline = models.DateTimeField()
    remind_hours = models.PositiveSmallIntegerField(
        default=24, help_text="hours before the deadline when open targets are reminded"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField()
    decision = models.ForeignKey(
        MeetingDecision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directives",
    )
    attachments = models.ManyToManyField(StoredFile, blank=True, related_name="+")
    status = models.CharField(
        max_length=10, choices=DirectiveStatus.choices, default=DirectiveStatus.ACTIVE
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.title


class DirectiveTarget(PublicIdModel, AddressedToUnit):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="targets")
    status = models.CharField(
        max_length=12, choices=TargetStatus.choices, default=TargetStatus.SENT
    )
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    progress_note = models.CharField(max_length=500, blank=True, default="")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.TextField(blank=True, default="")
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["directive", "region_path", "org_path", "unit_name"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "unit_key"], name="directive_target_once")
        ]
        indexes = [models.Index(fields=["status", "region_path"], name="dtarget_status_path")]

    def __str__(self) -> str:
        return f"{self.unit_name}: {self.status}"


class TargetAction(models.TextChoices):
    READ = "read", _("阅读")
    ACKNOWLEDGE = "acknowledge", _("签收")
    PROGRESS = "progress", _("报告进展")
    DONE = "done", _("报告完成")
    RETURN = "return", _("退回重办")
    CANCEL = "cancel", _("撤销")
    REMIND = "remind", _("到期提醒")
    ESCALATE = "escalate", _("逾期上报")


class DirectiveEvent(models.Model):
    """One step of a target (append-only): who did what, when, with which note and files."""

    target = models.ForeignKey(DirectiveTarget, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=TargetAction.choices)
    from_status = models.CharField(max_length=12, blank=True, default="")
    to_status = models.CharField(max_length=12, blank=True, default="")
    note = models.TextField(blank=True, default="")
    attachments = models.ManyToManyField(StoredFile, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True, default="")
    at = models.DateTimeField()

    class Meta:
        ordering = ["target", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"
