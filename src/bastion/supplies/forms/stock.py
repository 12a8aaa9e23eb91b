from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.supplies.forms.common import (
    LineFormSet,
    PublicIdChoiceField,
    item_field,
    quantity_field,
    unit_field,
)
from bastion.supplies.forms.donations import region_choice
from bastion.supplies.models import MoveKind


def keeper_label(user) -> str:
    return f"{user.full_name} ({user.username})" if user.full_name else user.username


class WarehouseForm(forms.Form):
    code = forms.CharField(label=_("代码"), max_length=30)
    name = forms.CharField(label=_("名称"), max_length=80)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)

    def __init__(self, *args, regions=None, keepers, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"] = region_choice(regions, label=_("所属区划"))
        self.fields["keepers"] = forms.ModelMultipleChoiceField(
            keepers,
            to_field_name="public_id",
            label=_("保管员"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["keepers"].label_from_instance = keeper_label
        if editing:
            del self.fields["code"]
            self.fields["active"] = forms.BooleanField(label=_("在用"), required=False)


class _LotChoice(forms.Form):
    def set_lots(self, lots):
        self.fields["lot"] = PublicIdChoiceField(
            lots, label=_("批次"), required=False, empty_label=_("自动（先进先出）")
        )


class AdjustForm(_LotChoice):
    item = item_field(None, required=True)
    direction = forms.ChoiceField(
        label=_("方向"), choices=[("increase", _("盘盈（增加）")), ("decrease", _("盘亏（减少）"))]
    )
    quantity = quantity_field(required=True)
    unit = unit_field()
    reason = forms.CharField(label=_("调整原因"), max_length=300)

    def __init__(self, *args, items, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.set_lots(lots)


class WriteOffForm(_LotChoice):
    item = item_field(None, required=True)
    kind = forms.ChoiceField(
        label=_("报损类型"),
        choices=[
            (MoveKind.EXPIRED, MoveKind.EXPIRED.label),
            (MoveKind.DAMAGED, MoveKind.DAMAGED.label),
        ],
    )
    quantity = quantity_field(required=True)
    unit = unit_field()
    reason = forms.CharField(label=_("报损说明"), max_length=300)

    def __init__(self, *args, items, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.set_lots(lots)


class TransferForm(forms.Form):
    target = PublicIdChoiceField(None, label=_("调入仓库"), empty_label="—")
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class TransferLineForm(forms.Form):
    item = item_field(None)
    quantity = quantity_field()
    unit = unit_field(required=False)

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["item"].queryset = items


def transfer_line_formset(data=None, *, items, extra=4):
    FormSet = forms.formset_factory(TransferLineForm, formset=LineFormSet, extra=extra)
    return FormSet(data, prefix="lines", form_kwargs={"items": items})


class CorrectForm(forms.Form):
    quantity = quantity_field(_("更正后数量（基本单位）"), required=True)
    reason = forms.CharField(label=_("更正原因"), max_length=300)


class LedgerFilterForm(forms.Form):
    warehouse = PublicIdChoiceField(None, label=_("仓库"), required=False, empty_label=_("全部"))
    item = PublicIdChoiceField(None, label=_("物资"), required=False, empty_label=_("全部"))
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部"))] + list(MoveKind.choices)
    )
    since = forms.DateField(
        label=_("起"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, warehouses, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = warehouses
        self.fields["item"].queryset = items
