"""The item catalogue: units of measure, items and per-item unit conversions."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.supplies.units import UnitSpec

QTY = {"max_digits": 18, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 2}


class Dimension(models.TextChoices):
    COUNT = "count", _("计数")
    MASS = "mass", _("重量")
    VOLUME = "volume", _("容量")


class Unit(models.Model):
    """A unit of measure. `standard_factor` is its size in the dimension's canonical unit
    (piece, gram, millilitre); packaging units (box, bottle, barrel) have none and convert
    only through an item's own conversion."""

    code = models.SlugField(max_length=20, unique=True)
    name_zh = models.CharField(max_length=20, unique=True)
    name_en = models.CharField(max_length=40)
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    standard_factor = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["dimension", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(standard_factor__isnull=True) | models.Q(standard_factor__gt=0),
                name="supplies_unit_factor_positive",
            )
        ]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def spec(self) -> UnitSpec:
        return UnitSpec(self.code, self.name_zh, self.dimension, self.standard_factor)


class Category(models.TextChoices):
    MEDICAL = "medical", _("医疗防护")
    DISINFECTION = "disinfection", _("消杀用品")
    FOOD = "food", _("生活食品")
    EQUIPMENT = "equipment", _("设备器械")
    OTHER = "other", _("其他")


class Item(PublicIdModel, TimestampedModel):
    """A kind of goods. Every quantity of it is kept in `base_unit`; `reference_price` (yuan
    per base unit) values donations that came without a declared value."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60, unique=True)
    spec = models.CharField(max_length=100, blank=True, default="")
    category = models.CharField(max_length=14, choices=Category.choices)
    base_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reference_price = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reference_price__isnull=True) | models.Q(reference_price__gte=0),
                name="supplies_item_price_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supplies:item_detail", kwargs={"public_id": self.public_id})


class ItemUnit(models.Model):
    """`1 unit = factor base units` for this item (a box of masks = 50 pieces)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="conversions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    factor = models.DecimalField(max_digits=18, decimal_places=6)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["item", "unit"], name="supplies_item_unit_once"),
            models.CheckConstraint(
                condition=models.Q(factor__gt=Decimal(0)), name="supplies_item_unit_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.unit} = {self.factor} ({self.item_id})"


class NumberSequence(models.Model):
    """The last number given per kind and year, locked while the next is taken, so numbers
    are gapless: a rolled-back transaction gives its number back."""

    kind = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="supplies_sequence_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"
