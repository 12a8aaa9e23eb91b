"""Donors, donations (pledged lines of goods and cash) and the receipts that bring them in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.masking import mask_name
from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Region
from bastion.supplies.models.catalogue import MONEY, QTY, Item, Unit


class DonorKind(models.TextChoices):
    ENTERPRISE_NONPUBLIC = "enterprise_nonpublic", _("非公企业")
    ENTERPRISE_STATE = "enterprise_state", _("国有企业")
    SOCIAL_ORGANIZATION = "social_organization", _("社会组织")
    INDIVIDUAL = "individual", _("个人")
    OTHER = "other", _("其他")


ENTERPRISE_KINDS = (DonorKind.ENTERPRISE_NONPUBLIC, DonorKind.ENTERPRISE_STATE)


class Disclosure(models.TextChoices):
    """What the donor agreed to show on public pages."""

    NAME = "name", _("公开名称")
    MASKED = "masked", _("只公开姓氏或简称（如 张**）")
    ANONYMOUS = "anonymous", _("匿名，不公开")


class Donor(PublicIdModel, TimestampedModel):
    """An enterprise, social organization or person who gives goods or money.

    `path` is the region where the donor was recorded (the county command, a town). The
    contact phone is kept encrypted; pages show `contact_phone_masked`.
    """

    kind = models.CharField(max_length=22, choices=DonorKind.choices)
    name = models.CharField(max_length=120)
    credit_code = models.CharField(max_length=18, blank=True, default="")
    disclosure = models.CharField(max_length=10, choices=Disclosure.choices)
    contact_name = models.CharField(max_length=60, blank=True, default="")
    contact_phone_encrypted = models.TextField(blank=True, default="")
    contact_phone_masked = models.CharField(max_length=24, blank=True, default="")
    note = models.CharField(max_length=300, blank=True, default="")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["kind", "path"], name="supplies_donor_kind_path")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supplies:donor_detail", kwargs={"public_id": self.public_id})

    @property
    def is_anonymous(self) -> bool:
        return self.disclosure == Disclosure.ANONYMOUS

    @property
    def label(self) -> str:
        """The name lists show to staff: a person's name masked, an organization's whole."""
        return mask_name(self.name) if self.kind == DonorKind.INDIVIDUAL else self.name

    @property
    def public_name(self) -> str:
        """The name public pages may show ('' for an anonymous donor)."""
        if self.disclosure == Disclosure.NAME:
            return self.name
        if self.disclosure == Disclosure.MASKED:
            return mask_name(self.name)
        return ""


class Donation(PublicIdModel, TimestampedModel):
    """A pledge of goods (lines) and/or cash, received partly or wholly later.

    `number` is the acknowledgement number (捐赠回执), given at the first receipt: gapless
    and per year ("2020-0001"). Received quantities and amounts live on the ledgers; the
    status is derived from them when read (`selectors.donations`).
    """

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="donations")
    number = models.CharField(max_length=20, null=True, blank=True, unique=True)
    pledged_on = models.DateField()
    purpose = models.CharField(max_length=200, blank=True, default="")
    note = models.CharField(max_length=300, blank=True, default="")
    cash_pledged = models.DecimalField(**MONEY, default=0)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_received_at = models.DateTimeField(null=True, blank=True, db_index=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-pledged_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cash_pledged__gte=0), name="supplies_donation_cash_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.number or str(self.public_id)[:8]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supplies:donation_detail", kwargs={"public_id": self.public_id})


class DonationLine(PublicIdModel):
    """One pledged item: the quantity as the donor stated it (`quantity` in `unit`) and the
    same quantity in the item's base unit (`quantity_base`), exact."""

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    quantity_base = models.DecimalField(**QTY)
    declared_value = models.DecimalField(**MONEY, null=True, blank=True)
    lot_code = models.CharField(max_length=60, blank=True, default="")
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["donation", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0) & models.Q(quantity_base__gt=0),
                name="supplies_line_quantity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(declared_value__isnull=True) | models.Q(declared_value__gte=0),
                name="supplies_line_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity_base}"


class DonationReceipt(PublicIdModel):
    """One delivery of a donation's goods into a warehouse (入库单); its ledger entries are
    the `received` stock moves that point at it."""

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="receipts")
    warehouse = models.ForeignKey(
        "supplies.Warehouse", on_delete=models.PROTECT, related_name="receipts"
    )
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True, default="")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.donation_id} @ {self.received_at:%Y-%m-%d}"
