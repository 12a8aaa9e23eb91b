from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.supplies.forms.common import quantity_field, unit_field
from bastion.supplies.models import Category, Dimension


class ItemForm(forms.Form):
    code = forms.CharField(
        label=_("代码"), max_length=40, help_text=_("小写字母、数字、- 或 _，例如 mask-n95")
    )
    name = forms.CharField(label=_("名称"), max_length=60)
    spec = forms.CharField(label=_("规格"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    base_unit = unit_field()
    reference_price = forms.CharField(
        label=_("参考单价（元/基本单位）"),
        required=False,
        max_length=20,
        help_text=_("捐赠未申报价值时，按此估值"),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_unit"].label = _("基本单位")
        self.fields["base_unit"].help_text = _("库存、台账和统计都按基本单位记，设定后不能修改")
        if editing:
            del self.fields["code"]
            del self.fields["base_unit"]
            self.fields["active"] = forms.BooleanField(label=_("在用"), required=False)


class ItemUnitForm(forms.Form):
    unit = unit_field()
    factor = quantity_field(_("每单位含基本单位数量"), required=True)


class UnitForm(forms.Form):
    code = forms.CharField(label=_("代码"), max_length=20)
    name_zh = forms.CharField(label=_("名称"), max_length=20)
    name_en = forms.CharField(label=_("英文名称"), max_length=40, required=False)
    dimension = forms.ChoiceField(label=_("量纲"), choices=Dimension.choices)
    standard_factor = forms.CharField(
        label=_("标准换算"),
        required=False,
        max_length=20,
        help_text=_("重量以克、容量以毫升、计数以个为 1；包装单位（箱、盒）留空，按物资设置换算"),
    )
