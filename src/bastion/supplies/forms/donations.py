from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.supplies.forms.common import (
    LineFormSet,
    PublicIdChoiceField,
    item_field,
    quantity_field,
    unit_field,
)
from bastion.supplies.models import Disclosure, DonorKind


def region_choice(queryset, label=None) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset, to_field_name="code", label=label or _("登记单位"), empty_label=None
    )


class DonorForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=DonorKind.choices)
    name = forms.CharField(label=_("名称或姓名"), max_length=120)
    disclosure = forms.ChoiceField(
        label=_("公示方式"),
        choices=[("", _("按类型默认（个人只公开姓氏，单位公开名称）"))] + list(Disclosure.choices),
        required=False,
    )
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=60, required=False)
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("加密保存，页面只显示部分号码"),
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"] = region_choice(regions)
        else:
            self.fields["contact_phone"].help_text = _("留空则不修改；填写新号码将替换原号码")


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看原因"), max_length=200)


class DonationForm(forms.Form):
    donor = PublicIdChoiceField(None, label=_("捐赠者"), empty_label="—")
    pledged_on = forms.DateField(
        label=_("认捐日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    cash_pledged = forms.CharField(label=_("认捐现金（元）"), max_length=20, required=False)
    purpose = forms.CharField(label=_("指定用途"), max_length=200, required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, donors, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = donors
        self.fields["region"] = region_choice(regions, label=_("接收单位"))
        self.fields["pledged_on"].initial = timezone.localdate()


class DonationLineForm(forms.Form):
    item = item_field(None)
    quantity = quantity_field()
    unit = unit_field(required=False)
    declared_value = forms.CharField(label=_("申报价值（元）"), max_length=20, required=False)
    lot_code = forms.CharField(label=_("批号"), max_length=60, required=False)
    expires_on = forms.DateField(
        label=_("有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["item"].queryset = items


def donation_line_formset(data=None, *, items, extra=4, prefix="lines"):
    FormSet = forms.formset_factory(DonationLineForm, formset=LineFormSet, extra=extra)
    return FormSet(data, prefix=prefix, form_kwargs={"items": items})


class ReceiveLineForm(forms.Form):
    quantity = quantity_field(_("本次入库"))
    unit = unit_field(required=False)
    lot_code = forms.CharField(label=_("批号"), max_length=60, required=False)
    expires_on = forms.DateField(
        label=_("有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReceiveForm(forms.Form):
    warehouse = PublicIdChoiceField(None, label=_("入库仓库"), empty_label=None)
    received_at = forms.DateTimeField(
        label=_("入库时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("留空为现在"),
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, warehouses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = warehouses


class CashReceiveForm(forms.Form):
    account = PublicIdChoiceField(None, label=_("到账账户"), empty_label=None)
    amount = forms.CharField(label=_("到账金额（元）"), max_length=20)
    reference = forms.CharField(label=_("交易流水号"), max_length=60, required=False)
    payer_account = forms.CharField(
        label=_("付款账号"),
        max_length=40,
        required=False,
        help_text=_("只保存后四位"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    at = forms.DateTimeField(
        label=_("到账时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("留空为现在"),
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)
