"""Incidents (事件上报-分拨-处置-反馈): reported in the field, received by a level, dispatched
to a handling unit with a deadline, handled, verified, closed and archived.

The receiving level follows the grade (`RECEIVING_RANK`); "overdue" is derived when read
(dispatched and past the deadline). Every step is an `IncidentLogEntry` (append-only).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.command.models.units import UnitKind
from bastion.core.models import PublicIdModel, StoredFile, TimestampedModel
from bastion.geo.models import Household, Region
from bastion.party.models import Organization, Team
from bastion.people.models import Person


class IncidentGrade(models.TextChoices):
    SIMPLE = "simple", _("简易")
    GENERAL = "general", _("一般")
    PROMINENT = "prominent", _("突出")
    MAJOR = "major", _("重大")


# The region rank (geo.models.LEVEL_RANK) of the level that receives an incident of a
# grade: simple ones stay in the village or community, general ones go to the town,
# prominent and major ones to the county command.
RECEIVING_RANK = {
    IncidentGrade.SIMPLE: 2,
    IncidentGrade.GENERAL: 1,
    IncidentGrade.PROMINENT: 0,
    IncidentGrade.MAJOR: 0,
}


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("待受理")
    REGISTERED = "registered", _("已受理")
    DISPATCHED = "dispatched", _("处置中")
    HANDLED = "handled", _("待核查")
    CLOSED = "closed", _("已结案")
    DISMISSED = "dismissed", _("不予受理")
    ARCHIVED = "archived", _("已归档")


OPEN_STATUSES = (
    IncidentStatus.REPORTED,
    IncidentStatus.REGISTERED,
    IncidentStatus.DISPATCHED,
    IncidentStatus.HANDLED,
)


class IncidentKind(models.Model):
    """A kind of incident (configuration, edited by the county command)."""

    code = models.SlugField(max_length=40, unique=True)
    name_zh = models.CharField(max_length=60)
    name_en = models.CharField(max_length=60, blank=True, default="")
    default_grade = models.CharField(
        max_length=10, choices=IncidentGrade.choices, default=IncidentGrade.SIMPLE
    )
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name_zh


class Incident(PublicIdModel, TimestampedModel):
    number = models.CharField(max_length=24, unique=True, null=True, blank=True)
    kind = models.ForeignKey(IncidentKind, on_delete=models.PROTECT, related_name="incidents")
    grade = models.CharField(max_length=10, choices=IncidentGrade.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    place = models.CharField(max_length=200, blank=True, default="")
    description = models.TextField()
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_type = models.CharField(max_length=40, blank=True, default="")
    linked_ref = models.CharField(max_length=64, blank=True, default="")
    linked_label = models.CharField(max_length=120, blank=True, default="")
    source = models.CharField(max_length=30, blank=True, default="")
    source_ref = models.CharField(max_length=64, blank=True, default="")
    photos = models.ManyToManyField(StoredFile, blank=True, related_name="+")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_name = models.CharField(max_length=150, blank=True, default="")
    reported_at = models.DateTimeField()
    receiving_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    receiving_path = models.CharField(max_length=255, db_index=True)
    status = models.CharField(
        max_length=12, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )
    registered_at = models.DateTimeField(null=True, blank=True)
    # The handling unit, set at dispatch (a region, an organization or a team).
    handler_kind = models.CharField(max_length=12, choices=UnitKind.choices, blank=True)
    handler_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handler_org = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handler_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handler_key = models.CharField(max_length=64, blank=True, default="", db_index=True)
    handler_name = models.CharField(max_length=150, blank=True, default="")
    handler_region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    handler_org_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    deadline = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    returned_count = models.PositiveSmallIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="incident_source_once",
            )
        ]
        indexes = [
            models.Index(fields=["status", "path"], name="incident_status_path"),
            models.Index(fields=["status", "deadline"], name="incident_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.number or str(self.public_id)


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class IncidentExtension(PublicIdModel):
    """A handler's request for more time; the receiving level approves or refuses it."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="extensions")
    requested_deadline = models.DateTimeField()
    previous_deadline = models.DateTimeField()
    reason = models.CharField(max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["incident", "-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"],
                condition=models.Q(status="pending"),
                name="extension_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} -> {self.requested_deadline:%Y-%m-%d %H:%M}"


class IncidentAction(models.TextChoices):
    REPORT = "report", _("上报")
    REGISTER = "register", _("受理")
    DISMISS = "dismiss", _("不予受理")
    DISPATCH = "dispatch", _("分拨")
    HANDLE = "handle", _("处置反馈")
    VERIFY = "verify", _("核查通过")
    SEND_BACK = "send_back", _("核查退回")
    ARCHIVE = "archive", _("归档")
    EXTENSION_REQUEST = "extension_request", _("申请延期")
    EXTENSION_APPROVE = "extension_approve", _("批准延期")
    EXTENSION_REJECT = "extension_reject", _("驳回延期")
    REMIND = "remind", _("到期提醒")
    ESCALATE = "escalate", _("逾期上报")


class IncidentLogEntry(models.Model):
    """One step of an incident (append-only): who, when, from which status to which."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="log")
    action = models.CharField(max_length=20, choices=IncidentAction.choices)
    from_status = models.CharField(max_length=12, blank=True, default="")
    to_status = models.CharField(max_length=12, blank=True, default="")
    note = models.TextField(blank=True, default="")
    details = models.JSONField(default=dict, blank=True)
    photos = models.ManyToManyField(StoredFile, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True, default="")
    at = models.DateTimeField()

    class Meta:
        ordering = ["incident", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"
