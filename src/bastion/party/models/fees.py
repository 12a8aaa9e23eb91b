"""Party-fee grants (代县委管理党费下拨) and their append-only ledger.

A grant's balance is the sum of its entries' `amount` (the grant +, expenses -,
reversals +, adjustments +/-). Entries are never changed or deleted; a correction is a
new entry pointing at the one it corrects. Every entry stores the balance after it
(`balance_after`, never negative: a database constraint), computed while the grant's
row is locked, so two expenses entered at once cannot overspend it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, StoredFile, TimestampedModel
from bastion.party.models.organizations import Organization


class FeeGrant(PublicIdModel, TimestampedModel):
    """An amount of party fees granted to an organization for a purpose."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="fee_grants"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    region_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    grantor = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=200)
    document_no = models.CharField(max_length=60, blank=True, default="")
    granted_on = models.DateField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-granted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.purpose}"

    @property
    def label(self) -> str:
        return f"{self.organization.name} · {self.purpose}"


class FeeEntryKind(models.TextChoices):
    GRANT = "grant", _("下拨")
    EXPENSE = "expense", _("支出")
    REVERSAL = "reversal", _("冲销")
    ADJUSTMENT = "adjustment", _("调整下拨额")


class FeeEntry(PublicIdModel):
    """One line of a grant's ledger (append-only)."""

    grant = models.ForeignKey(FeeGrant, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=FeeEntryKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    balance_after = models.DecimalField(max_digits=12, decimal_places=2)
    occurred_on = models.DateField()
    description = models.CharField(max_length=300)
    receipt = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["grant", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0), name="fee_balance_never_negative"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="grant", amount__gt=0, corrects__isnull=True)
                    | models.Q(kind="expense", amount__lt=0, corrects__isnull=True)
                    | models.Q(kind="reversal", amount__gt=0, corrects__isnull=False)
                    | (models.Q(kind="adjustment", corrects__isnull=False) & ~models.Q(amount=0))
                ),
                name="fee_entry_sign_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["corrects"],
                condition=models.Q(kind="reversal"),
                name="fee_expense_reversed_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant_id} {self.kind} {self.amount}"

    @property
    def label(self) -> str:
        return f"{self.grant.organization.name} · {self.description} · {self.amount:.2f}"
