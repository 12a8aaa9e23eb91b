"""Claims on tasks (with the waiting list), check-in and check-out scans, and confirmed
attendance (hours and points).

Rows are never deleted. A claim moves forward only (waiting -> claimed -> cancelled); a new
claim after a cancellation is a new row. Scans and attendance are append-only: a
correction of confirmed hours is a new Attendance pointing at the one it corrects.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel
from bastion.geo.models import Region
from bastion.party.models import PartyMember
from bastion.people.models import Person
from bastion.volunteers.models.config import ResidentVolunteer
from bastion.volunteers.models.tasks import Task

ACTIVE_CLAIM_STATUSES = ("claimed", "waiting")


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", _("已认领")
    WAITING = "waiting", _("候补中")
    CANCELLED = "cancelled", _("已取消")


class ClaimChannel(models.TextChoices):
    ONLINE = "online", _("线上认领")
    OFFLINE = "offline", _("线下代认领")


class Claim(PublicIdModel):
    """A person's claim on a task: holding a slot, or waiting for one."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="claims")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        ResidentVolunteer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The volunteer's login (told of changes, checks in by QR); empty for someone without one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_claims",
    )
    path = models.CharField(max_length=255, db_index=True)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices)
    channel = models.CharField(max_length=8, choices=ClaimChannel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    holding_since = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["task", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "person"],
                condition=models.Q(status__in=ACTIVE_CLAIM_STATUSES),
                name="claim_one_active_per_task",
            )
        ]
        indexes = [
            models.Index(fields=["person", "status"], name="claim_person_status"),
            models.Index(fields=["task", "status", "waiting_since"], name="claim_task_queue"),
            models.Index(fields=["user", "status"], name="claim_user_status"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name[:1]}** · {self.task.title}"


class CheckKind(models.TextChoices):
    IN = "in", _("签到")
    OUT = "out", _("签退")


class CheckMethod(models.TextChoices):
    QR = "qr", _("扫码")
    LEADER = "leader", _("负责人代签")


class CheckEvent(models.Model):
    """One check-in or check-out of a claim (the first of each kind counts)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="checks")
    kind = models.CharField(max_length=3, choices=CheckKind.choices)
    at = models.DateTimeField()
    method = models.CharField(max_length=8, choices=CheckMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["claim", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "kind"], name="check_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class AttendanceOutcome(models.TextChoices):
    ATTENDED = "attended", _("已到岗")
    NO_SHOW = "no_show", _("未到岗")


class Attendance(PublicIdModel):
    """Confirmed attendance of one claim: the hours served and the points they earn.

    The current entry of a claim is the one no other entry corrects. `task`, `person` and
    `community` are copies for the record page and the ranking.
    """

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="attendances")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=255, db_index=True)
    outcome = models.CharField(max_length=10, choices=AttendanceOutcome.choices)
    served_on = models.DateField()
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    hours = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    points = models.PositiveIntegerField(default=0)
    rule = models.CharField(max_length=40, blank=True, default="")
    note = models.CharField(max_length=300, blank=True, default="")
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["claim", "confirmed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=models.Q(corrects__isnull=True),
                name="attendance_one_first_entry",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gte=0) & models.Q(hours__lte=24),
                name="attendance_hours_in_day",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "served_on"], name="attendance_person_day"),
            models.Index(fields=["path", "served_on"], name="attendance_path_day"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name[:1]}** · {self.hours}h"
