"""Warehouses, lots and the stock ledger (append-only: a correction is a new entry)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Region
from bastion.supplies.models.catalogue import QTY, Item
from bastion.supplies.models.donations import DonationLine, DonationReceipt


class Warehouse(PublicIdModel, TimestampedModel):
    """A store of goods in a region; only its `keepers` write its ledger."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=80, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    address = models.CharField(max_length=200, blank=True, default="")
    keepers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["path", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supplies:warehouse_detail", kwargs={"public_id": self.public_id})


class LotSource(models.TextChoices):
    DONATION = "donation", _("捐赠入库")
    TRANSFER = "transfer", _("调拨转入")
    SURPLUS = "surplus", _("盘盈")


class Lot(PublicIdModel):
    """A batch of one item in one warehouse, traced to the donation line it came from.

    Each delivery of a donation is a lot; a transfer makes a lot in the receiving
    warehouse that points at its `origin` and keeps the same `donation_line`. What is in
    a lot is derived from its ledger entries.
    """

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="lots")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="lots")
    source = models.CharField(max_length=10, choices=LotSource.choices)
    donation_line = models.ForeignKey(
        DonationLine, null=True, blank=True, on_delete=models.PROTECT, related_name="lots"
    )
    receipt = models.ForeignKey(
        DonationReceipt, null=True, blank=True, on_delete=models.PROTECT, related_name="lots"
    )
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="transferred"
    )
    lot_code = models.CharField(max_length=60, blank=True, default="")
    expires_on = models.DateField(null=True, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["warehouse", "item"], name="supplies_lot_wh_item")]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.lot_code or self.pk}"


class MoveKind(models.TextChoices):
    RECEIVED = "received", _("捐赠入库")
    ISSUED = "issued", _("分配出库")
    TRANSFER_OUT = "transfer_out", _("调出")
    TRANSFER_IN = "transfer_in", _("调入")
    ADJUSTED = "adjusted", _("盘点调整")
    EXPIRED = "expired", _("过期报损")
    DAMAGED = "damaged", _("损坏报损")


INBOUND = (MoveKind.RECEIVED, MoveKind.TRANSFER_IN)
OUTBOUND = (MoveKind.ISSUED, MoveKind.TRANSFER_OUT, MoveKind.EXPIRED, MoveKind.DAMAGED)
LOSSES = (MoveKind.EXPIRED, MoveKind.DAMAGED)


class Transfer(PublicIdModel):
    """Goods moved between two warehouses: a transfer_out and a transfer_in per lot."""

    number = models.CharField(max_length=20, unique=True)
    source = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supplies:transfer_detail", kwargs={"public_id": self.public_id})


class StockMove(PublicIdModel):
    """One ledger entry: a signed quantity of one lot, in the item's base unit.

    Received and transferred-in entries are positive; issued, transferred-out, expired and
    damaged entries negative; adjustments either. A correction has the kind of the entry
    it corrects, the difference as its quantity and `corrects` pointing at it; an entry is
    corrected at most once (correct the correction to change it again). Entries are never
    updated or deleted.
    """

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="moves")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(max_length=12, choices=MoveKind.choices)
    quantity = models.DecimalField(**QTY)
    path = models.CharField(max_length=255, db_index=True)
    at = models.DateTimeField(db_index=True)
    reason = models.CharField(max_length=300, blank=True, default="")
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    receipt = models.ForeignKey(
        DonationReceipt, null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    shipment = models.ForeignKey(
        "supplies.Shipment", null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    allocation_line = models.ForeignKey(
        "supplies.AllocationLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moves",
    )
    transfer = models.ForeignKey(
        Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["warehouse", "item", "lot"], name="supplies_move_wh_item_lot"),
            models.Index(fields=["kind", "at"], name="supplies_move_kind_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=False)
                | (models.Q(kind__in=INBOUND) & models.Q(quantity__gt=0))
                | (models.Q(kind__in=OUTBOUND) & models.Q(quantity__lt=0))
                | (models.Q(kind=MoveKind.ADJUSTED) & ~models.Q(quantity=0)),
                name="supplies_move_sign_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} ({self.lot_id})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supplies:move_detail", kwargs={"public_id": self.public_id})
