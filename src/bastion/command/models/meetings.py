"""Meetings of the command (standing committee, video dispatch, special topic) and their
decisions; a decision can become directives."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.command.models.units import IssuedByUnit
from bastion.core.models import PublicIdModel, TimestampedModel


class MeetingKind(models.TextChoices):
    STANDING_COMMITTEE = "standing_committee", _("常委会")
    VIDEO_DISPATCH = "video_dispatch", _("视频调度会")
    SPECIAL_TOPIC = "special_topic", _("专题会")


class Meeting(PublicIdModel, TimestampedModel, IssuedByUnit):
    """A meeting held by a level (the issuer columns name the host)."""

    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    title = models.CharField(max_length=120)
    held_at = models.DateTimeField()
    place = models.CharField(max_length=120, blank=True, default="")
    chair = models.CharField(max_length=60, blank=True, default="")
    attendees = models.TextField(blank=True, default="", help_text="one attendee per line")
    attendee_count = models.PositiveIntegerField(default=0)
    summary = models.TextField(blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def attendee_lines(self) -> list[str]:
        return [line for line in self.attendees.splitlines() if line.strip()]


class MeetingDecision(PublicIdModel):
    """One decision of a meeting, numbered within it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    owner = models.CharField(max_length=120, blank=True, default="", help_text="lead unit")
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"
