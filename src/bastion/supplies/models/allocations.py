"""Allocations: a unit asks, the command approves fully or partly, the warehouse issues
(shipments), the receiving unit confirms what arrived."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Region
from bastion.party.models import Organization, Team
from bastion.supplies.models.catalogue import QTY, Item, Unit
from bastion.supplies.models.stock import Lot, Warehouse


class RecipientKind(models.TextChoices):
    REGION = "region", _("镇街、村社区")
    ORGANIZATION = "organization", _("党组织（临时党支部、医院等）")
    TEAM = "team", _("队伍（先锋队、志愿服务队、医疗队）")


class Recipient(models.Model):
    """Who receives: a region, a party organization or a team.

    `path` is the recipient's region path and `org_path` its organization path (empty for
    a region), copied when the record is made, so scoping is a prefix query on this table
    (docs/decisions/0009). `recipient_name` is the name at the time; `disclose_recipient`
    says whether public pages may name it.
    """

    recipient_kind = models.CharField(max_length=12, choices=RecipientKind.choices, blank=True)
    recipient_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_org = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = models.CharField(max_length=120, blank=True)
    path = models.CharField(max_length=255, db_index=True)
    org_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    disclose_recipient = models.BooleanField(default=True)

    class Meta:
        abstract = True

    @property
    def public_recipient(self) -> str:
        return self.recipient_name if self.disclose_recipient else ""


class AllocationStatus(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    PARTLY_APPROVED = "partly_approved", _("部分批准")
    REJECTED = "rejected", _("未批准")
    CANCELLED = "cancelled", _("已撤回")


OPEN_STATUSES = (AllocationStatus.REQUESTED,)
APPROVED_STATUSES = (AllocationStatus.APPROVED, AllocationStatus.PARTLY_APPROVED)


class Allocation(Recipient, PublicIdModel, TimestampedModel):
    """A request for goods by a unit and the command's decision on it.

    The decision is stored (`status`, per line `approved_base`); how much was issued
    and received is derived from the shipments and the ledger.
    """

    number = models.CharField(max_length=20, unique=True)
    warehouse = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    warehouse_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    reason = models.CharField(max_length=500)
    needed_by = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16,
        choices=AllocationStatus.choices,
        default=AllocationStatus.REQUESTED,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supplies:allocation_detail", kwargs={"public_id": self.public_id})

    @property
    def label(self) -> str:
        return f"{self.number} {self.recipient_name}"


class AllocationLine(PublicIdModel):
    """One item asked for (`quantity` in `unit` as typed, `requested_base` exact), what the
    command approved (`approved_base`), and optionally the lot to issue from (else FIFO)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    requested_base = models.DecimalField(**QTY)
    approved_base = models.DecimalField(**QTY, null=True, blank=True)
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["allocation", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requested_base__gt=0) & models.Q(quantity__gt=0),
                name="supplies_alloc_line_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_base__isnull=True) | models.Q(approved_base__gte=0),
                name="supplies_alloc_line_approved_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.requested_base}"


class Shipment(PublicIdModel):
    """One issue of goods for an allocation (出库单); its `issued` ledger entries point here.

    The receiving unit confirms it once (`received_at`), line by line
    (`ShipmentReceiptLine`): what arrived and, for a shortfall, why.
    """

    number = models.CharField(max_length=20, unique=True)
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="shipments")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="shipments")
    issued_at = models.DateTimeField(db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True, default="")
    received_at = models.DateTimeField(null=True, blank=True, db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    receipt_note = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number


class ShipmentReceiptLine(models.Model):
    """What arrived of one allocation line in one shipment (≤ what was issued in it)."""

    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="receipt_lines")
    allocation_line = models.ForeignKey(
        AllocationLine, on_delete=models.PROTECT, related_name="receipt_lines"
    )
    issued_base = models.DecimalField(**QTY)
    received_base = models.DecimalField(**QTY)
    shortfall_note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["shipment", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "allocation_line"], name="supplies_receipt_line_once"
            ),
            models.CheckConstraint(
                condition=models.Q(received_base__gte=0)
                & models.Q(received_base__lte=models.F("issued_base")),
                name="supplies_receipt_within_issued",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}/{self.allocation_line_id}: {self.received_base}"

    @property
    def shortfall_base(self):
        return self.issued_base - self.received_base
