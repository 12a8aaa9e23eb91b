"""Mobilization calls (号召) and each recipient's response."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.party.models.organizations import Organization, PartyMember


class CallAudience(models.TextChoices):
    ORGANIZATIONS = "organizations", _("下级党组织")
    MEMBERS = "members", _("党员")
    BOTH = "both", _("下级党组织和党员")


class Mobilization(PublicIdModel, TimestampedModel):
    """A call sent by an organization to the organizations and/or members below it.

    The recipients are fixed when the call is sent (one `MobilizationRecipient` each);
    counts and the response rate are derived from them.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="mobilizations"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    title = models.CharField(max_length=120)
    body = models.TextField()
    audience = models.CharField(max_length=14, choices=CallAudience.choices)
    respond_by = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ResponseState(models.TextChoices):
    """Where a recipient stands; derived from the timestamps, never stored."""

    UNSEEN = "unseen", _("未查看")
    SEEN = "seen", _("已查看")
    ANSWERED = "answered", _("已响应")
    ACTED = "acted", _("已行动")


class MobilizationRecipient(models.Model):
    """One recipient of a call (an organization or a member) and what they did with it."""

    mobilization = models.ForeignKey(
        Mobilization, on_delete=models.CASCADE, related_name="recipients"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255)
    region_path = models.CharField(max_length=255, blank=True, default="")
    seen_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=300, blank=True, default="")
    acted_at = models.DateTimeField(null=True, blank=True)
    action = models.CharField(max_length=300, blank=True, default="")
    people_count = models.PositiveIntegerField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["mobilization", "org_path", "id"]
        indexes = [
            models.Index(fields=["mobilization", "org_path"], name="call_recipient_org"),
            models.Index(fields=["org_path"], name="call_recipient_path"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False, member__isnull=True)
                | models.Q(organization__isnull=True, member__isnull=False),
                name="call_recipient_org_or_member",
            ),
            models.UniqueConstraint(
                fields=["mobilization", "organization"],
                condition=models.Q(organization__isnull=False),
                name="call_recipient_org_once",
            ),
            models.UniqueConstraint(
                fields=["mobilization", "member"],
                condition=models.Q(member__isnull=False),
                name="call_recipient_member_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mobilization_id}: {self.organization_id or self.member_id}"

    @property
    def key(self) -> str:
        """The recipient's identifier in URLs and the API: "o-<organization public id>" or
        "m-<member public id>" (sequential ids never leave the database)."""
        if self.organization_id:
            return f"o-{self.organization.public_id}"
        return f"m-{self.member.public_id}"

    @property
    def label(self) -> str:
        """The organization's name, or the member's masked name."""
        if self.organization_id:
            return self.organization.name
        return self.member.label

    @property
    def state(self) -> str:
        if self.acted_at:
            return ResponseState.ACTED
        if self.answered_at:
            return ResponseState.ANSWERED
        if self.seen_at:
            return ResponseState.SEEN
        return ResponseState.UNSEEN

    @property
    def state_label(self) -> str:
        return ResponseState(self.state).label
