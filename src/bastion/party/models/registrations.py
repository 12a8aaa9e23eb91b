"""Community registration (在职党员进社区报到), its renewals, and the service record a
member builds in the community."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Region
from bastion.party.models.organizations import PartyMember


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class RegistrationChannel(models.TextChoices):
    ONLINE = "online", _("线上自助")
    OFFLINE = "offline", _("线下登记")


class CommunityRegistration(PublicIdModel, TimestampedModel):
    """在职党员进社区报到: an employed member registers at the community where they live.

    `path` is the community's region path; `org_path` the member's organization path at
    the time of registration, so the employer organization counts its members'
    registrations. A confirmed registration lapses after `valid_until` (renewal);
    "expired" is derived when read, never stored.
    """

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="registrations")
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    org_path = models.CharField(max_length=255, db_index=True)
    channel = models.CharField(max_length=8, choices=RegistrationChannel.choices)
    skills = models.JSONField(default=list, blank=True)
    availability = models.CharField(max_length=200, blank=True, default="")
    service_wishes = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(
        max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True, default="")
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live registration per member: a renewal extends it, a move withdraws it.
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status__in=["pending", "confirmed"]),
                name="registration_one_live_per_member",
            )
        ]


class RenewalStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已续期")
    REJECTED = "rejected", _("未通过")


class RegistrationRenewal(PublicIdModel):
    """One renewal of a registration (append-only history).

    Asked for by the member online (pending until the community confirms) or done by
    community staff offline (confirmed at once). A confirmed renewal moves the
    registration's `valid_until` from `previous_valid_until` to `valid_until`.
    """

    registration = models.ForeignKey(
        CommunityRegistration, on_delete=models.CASCADE, related_name="renewals"
    )
    path = models.CharField(max_length=255, db_index=True)
    org_path = models.CharField(max_length=255, db_index=True)
    channel = models.CharField(max_length=8, choices=RegistrationChannel.choices)
    status = models.CharField(
        max_length=10, choices=RenewalStatus.choices, default=RenewalStatus.PENDING
    )
    previous_valid_until = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["registration", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(status="pending"),
                name="renewal_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} -> {self.valid_until}"


class ServiceRecordEntry(PublicIdModel):
    """One entry of a member's community service record (append-only).

    Written by the volunteers app for confirmed hours (source "volunteers", source_ref
    the attendance's public id), or by community staff for work done outside tasks.
    The employer organization's quarterly service card reads these entries. A
    correction is a new entry that points at the one it corrects (`corrects`), with the
    hours that replace it.
    """

    member = models.ForeignKey(
        PartyMember, on_delete=models.PROTECT, related_name="service_entries"
    )
    community = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    org_path = models.CharField(max_length=255, db_index=True)
    served_on = models.DateField()
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    description = models.CharField(max_length=300)
    source = models.CharField(max_length=30, blank=True, default="")
    source_ref = models.CharField(max_length=64, blank=True, default="")
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "served_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="service_entry_source_once",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gte=0), name="service_entry_hours_not_negative"
            ),
            models.UniqueConstraint(
                fields=["corrects"],
                condition=models.Q(corrects__isnull=False),
                name="service_entry_corrected_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.served_on} {self.hours}h"
