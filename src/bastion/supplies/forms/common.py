"""Form pieces shared by the supplies pages: choice fields over scoped querysets, the
line formsets (item, quantity, unit)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.supplies.models import Item, Lot, Unit


class PublicIdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField keyed by public_id, so no sequential id reaches a page."""

    def __init__(self, queryset, *, label_from=str, **kwargs):
        kwargs.setdefault("to_field_name", "public_id")
        self._label_from = label_from
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj):
        return self._label_from(obj)


def item_label(item: Item) -> str:
    spec = f"（{item.spec}）" if item.spec else ""
    return f"{item.name}{spec} · {item.base_unit.name_zh}"


def unit_field(required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        Unit.objects.all(),
        to_field_name="code",
        label=_("单位"),
        required=required,
        empty_label="—",
    )


def item_field(queryset, required: bool = False) -> PublicIdChoiceField:
    return PublicIdChoiceField(
        queryset.select_related("base_unit") if queryset is not None else Item.objects.none(),
        label=_("物资"),
        required=required,
        empty_label="—",
        label_from=item_label,
    )


def quantity_field(label=None, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label or _("数量"),
        required=required,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def lot_label(row) -> str:
    lot: Lot = row.lot
    code = lot.lot_code or _("无批号")
    donor = ""
    if lot.donation_line_id:
        donor = f" · {lot.donation_line.donation.donor.name}"
    return f"{lot.item.name} {code}{donor}"


class LineFormSet(forms.BaseFormSet):
    """Blank rows are skipped; `filled()` gives (index, cleaned_data) of the rest."""

    def filled(self) -> list[tuple[int, dict]]:
        out = []
        for index, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("item") or (data.get("quantity") or "").strip():
                out.append((index, data))
        return out
