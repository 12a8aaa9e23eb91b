"""Cash: accounts that receive donated money, purposes it is allocated to, and the cash
ledger (received, allocated, returned, spent with receipts, adjusted)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, StoredFile, TimestampedModel
from bastion.geo.models import Region
from bastion.supplies.models.allocations import Recipient
from bastion.supplies.models.catalogue import MONEY
from bastion.supplies.models.donations import Donation


class CashAccount(PublicIdModel, TimestampedModel):
    """A bank account (or the like) that receives donated money; `account_masked` keeps
    only the last four digits."""

    name = models.CharField(max_length=80, unique=True)
    bank = models.CharField(max_length=80, blank=True, default="")
    account_masked = models.CharField(max_length=30, blank=True, default="")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["path", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supplies:account_detail", kwargs={"public_id": self.public_id})


class CashPurpose(Recipient, PublicIdModel, TimestampedModel):
    """What a sum of donated money is for (buying protective suits for a hospital, …),
    optionally for a receiving unit that spends it."""

    number = models.CharField(max_length=20, unique=True)
    account = models.ForeignKey(CashAccount, on_delete=models.PROTECT, related_name="purposes")
    title = models.CharField(max_length=120)
    note = models.CharField(max_length=300, blank=True, default="")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supplies:purpose_detail", kwargs={"public_id": self.public_id})


class CashKind(models.TextChoices):
    RECEIVED = "received", _("捐款到账")
    ALLOCATED = "allocated", _("安排用途")
    RETURNED = "returned", _("用途结余退回")
    SPENT = "spent", _("支出")
    ADJUSTED = "adjusted", _("调整")


class CashEntry(PublicIdModel):
    """One entry of the cash ledger, in yuan.

    Received, allocated, returned and spent entries are positive amounts whose kind says
    which way they count; adjustments (bank fees, interest) are signed. A correction has
    the kind of the entry it corrects, the difference as its amount and `corrects`
    pointing at it. Derived balances: unallocated = received + adjusted - allocated +
    returned; a purpose's remainder = allocated - returned - spent; neither below zero.
    """

    account = models.ForeignKey(CashAccount, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=CashKind.choices)
    amount = models.DecimalField(**MONEY)
    donation = models.ForeignKey(
        Donation, null=True, blank=True, on_delete=models.PROTECT, related_name="cash_entries"
    )
    purpose = models.ForeignKey(
        CashPurpose, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    payer_account_masked = models.CharField(max_length=30, blank=True, default="")
    reference = models.CharField(max_length=60, blank=True, default="")
    payee = models.CharField(max_length=120, blank=True, default="")
    description = models.CharField(max_length=300, blank=True, default="")
    receipt_file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=255, db_index=True)
    at = models.DateTimeField(db_index=True)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "cash entries"
        indexes = [models.Index(fields=["account", "kind"], name="supplies_cash_account_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=False)
                | (~models.Q(kind="adjusted") & models.Q(amount__gt=0))
                | (models.Q(kind="adjusted") & ~models.Q(amount=0)),
                name="supplies_cash_sign_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
