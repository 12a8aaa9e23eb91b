"""Reads of the item catalogue (county-wide: every holder of Perm.SUPPLIES_VIEW sees it)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, QuerySet

from bastion.supplies.models import DonationLine, Item, ItemUnit, Unit
from bastion.supplies.selectors.common import can_view, get_or_404


def unit_list() -> QuerySet[Unit]:
    return Unit.objects.all()


def item_list(*, user, q: str = "", category: str = "", active: bool | None = None):
    if not can_view(user):
        return Item.objects.none()
    qs = Item.objects.select_related("base_unit").prefetch_related(
        Prefetch("conversions", queryset=ItemUnit.objects.select_related("unit"))
    )
    if q.strip():
        text = q.strip()
        qs = qs.filter(Q(name__icontains=text) | Q(code__icontains=text) | Q(spec__icontains=text))
    if category:
        qs = qs.filter(category=category)
    if active is not None:
        qs = qs.filter(active=active)
    return qs


def item_get(*, user, public_id) -> Item:
    return get_or_404(item_list(user=user), public_id=public_id)


def item_by_code(*, user, code: str) -> Item | None:
    """An active item by code or exact name (API bodies name items this way)."""
    text = (code or "").strip()
    if not text:
        return None
    qs = item_list(user=user)
    return qs.filter(code=text).first() or qs.filter(name=text).first()


CENT = Decimal("0.01")


def value_of(
    quantity: Decimal,
    *,
    declared: Decimal | None,
    base: Decimal,
    reference_price: Decimal | None,
) -> Decimal | None:
    """What `quantity` base units of a donation line are worth: its declared value pro
    rata (`declared` for `base` units), else the reference price; None when neither.
    Rounded to the fen per line, so sums agree wherever they are computed."""
    if declared is not None:
        if not base:
            return Decimal("0.00")
        value = declared * quantity / base
    elif reference_price is not None:
        value = reference_price * quantity
    else:
        return None
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_value(line: DonationLine, quantity: Decimal | None = None) -> Decimal | None:
    """A loaded line's value for `quantity` base units (the whole line by default)."""
    return value_of(
        line.quantity_base if quantity is None else quantity,
        declared=line.declared_value,
        base=line.quantity_base,
        reference_price=line.item.reference_price,
    )


def price_of(
    *, declared: Decimal | None, base: Decimal | None, reference_price: Decimal | None
) -> Decimal | None:
    """Yuan per base unit of goods from a donation line (declared value, else reference)."""
    if declared is not None and base:
        return declared / base
    return reference_price
