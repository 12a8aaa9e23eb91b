"""Venues, their inspections and commitment letters, check-ins by venue code, and the
contact-tracing requests that read those check-ins."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, StoredFile, TimestampedModel
from bastion.geo.models import Region
from bastion.people.models import Person


class VenueKind(PublicIdModel):
    """A kind of venue (hotel, internet café, mahjong parlour, ...) and its inspection
    checklist, one item per entry. Editable by the county command."""

    code = models.SlugField(max_length=30, unique=True)
    name_zh = models.CharField(max_length=40)
    name_en = models.CharField(max_length=60, blank=True, default="")
    checklist = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name_zh


class Venue(PublicIdModel, TimestampedModel):
    """A public place in a grid that is inspected and may carry a check-in code (场所码).

    The contact phone is stored like a person's (encrypted, masked for display).
    `checkin_code` is the random part of the printed QR code's address; reissuing it
    kills the old poster.
    """

    kind = models.ForeignKey(VenueKind, on_delete=models.PROTECT, related_name="venues")
    name = models.CharField(max_length=100)
    address = models.CharField(max_length=200, blank=True, default="")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    responsible_name = models.CharField(max_length=60, blank=True, default="")
    contact_phone_encrypted = models.TextField(blank=True, default="")
    contact_phone_masked = models.CharField(max_length=11, blank=True, default="")
    checkin_code = models.CharField(max_length=32, unique=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["path", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="venue_unique_in_grid")
        ]

    def __str__(self) -> str:
        return self.name


class InspectionResult(models.TextChoices):
    COMPLIANT = "compliant", _("合格")
    RECTIFY = "rectify", _("限期整改")
    CLOSED = "closed", _("责令停业")


class Inspection(PublicIdModel):
    """One inspection of a venue. `checklist` keeps the items as they were asked
    ([{"item": text, "ok": bool}]), so editing a kind's checklist never rewrites history.
    A re-inspection points at the inspection it follows up (`follows`)."""

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="inspections")
    path = models.CharField(max_length=255, db_index=True)
    inspected_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checklist = models.JSONField(default=list, blank=True)
    result = models.CharField(max_length=10, choices=InspectionResult.choices)
    rectify_by = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True, default="")
    follows = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="followups"
    )
    photos = models.ManyToManyField(StoredFile, blank=True, related_name="+")
    incident_ref = models.CharField(max_length=36, blank=True, default="")

    class Meta:
        ordering = ["-inspected_at", "-id"]
        indexes = [models.Index(fields=["venue", "inspected_at"], name="inspection_venue_at")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(result="rectify") | Q(rectify_by__isnull=False),
                name="inspection_rectify_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_result_display()} {self.inspected_at:%Y-%m-%d}"

    @property
    def failed_items(self) -> list[str]:
        return [row.get("item", "") for row in self.checklist or [] if not row.get("ok")]


class Commitment(PublicIdModel):
    """A commitment letter (承诺书) signed for a venue, with its scanned copy.

    Withdrawing one (signed by mistake, the wrong venue) keeps the row and says why.
    """

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="commitments")
    path = models.CharField(max_length=255, db_index=True)
    signed_by = models.CharField(max_length=60)
    signer_role = models.CharField(max_length=40, blank=True, default="")
    signed_on = models.DateField()
    scan = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.signed_by} {self.signed_on}"


class CheckIn(PublicIdModel):
    """A visitor who scanned a venue's code and left a name and phone number.

    Name and phone are encrypted (phone with the people registry's blind index, so a
    visitor who is on the registry is linked as `person`). Kept for contact tracing
    only, and deleted after BASTION_CHECKIN_RETENTION_DAYS.
    """

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="checkins")
    path = models.CharField(max_length=255)
    at = models.DateTimeField()
    name_encrypted = models.TextField(blank=True, default="")
    name_masked = models.CharField(max_length=60, blank=True, default="")
    phone_encrypted = models.TextField(blank=True, default="")
    phone_index = models.CharField(max_length=64, blank=True, default="")
    phone_masked = models.CharField(max_length=11, blank=True, default="")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["venue", "at"], name="checkin_venue_at"),
            models.Index(fields=["at"], name="checkin_at"),
        ]

    def __str__(self) -> str:
        return f"{self.name_masked} {self.at:%Y-%m-%d %H:%M}"


class TraceRequest(PublicIdModel):
    """One look-up of who checked in at a venue in a time window: who asked, for which
    case, why, and how many check-ins it returned. Only its requester sees the result."""

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="traces")
    path = models.CharField(max_length=255, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    case_ref = models.CharField(max_length=60)
    purpose = models.CharField(max_length=300)
    result_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_ref} {self.requested_at:%Y-%m-%d %H:%M}"
