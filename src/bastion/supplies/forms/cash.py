from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.supplies.forms.allocations import RecipientField
from bastion.supplies.forms.common import PublicIdChoiceField
from bastion.supplies.forms.donations import region_choice


class AccountForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=80)
    bank = forms.CharField(label=_("开户行"), max_length=80, required=False)
    account_number = forms.CharField(
        label=_("账号"),
        max_length=40,
        required=False,
        help_text=_("只保存后四位"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = region_choice(regions, label=_("所属区划"))


class PurposeForm(forms.Form):
    title = forms.CharField(label=_("用途"), max_length=120)
    amount = forms.CharField(label=_("安排金额（元）"), max_length=20)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
    disclose_recipient = forms.BooleanField(
        label=_("在公示页显示接收单位名称"), required=False, initial=True
    )

    def __init__(self, *args, accounts, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"] = PublicIdChoiceField(accounts, label=_("账户"), empty_label=None)
        self.fields["recipient"] = RecipientField(
            recipients, label=_("使用单位（可不选）"), required=False
        )


class SpendForm(forms.Form):
    amount = forms.CharField(label=_("支出金额（元）"), max_length=20)
    payee = forms.CharField(label=_("收款方"), max_length=120)
    description = forms.CharField(label=_("支出说明"), max_length=300)
    receipt = forms.FileField(
        label=_("支出凭证"),
        required=False,
        help_text=_("发票或收据的照片、扫描件（JPG、PNG、PDF）"),
    )
    at = forms.DateTimeField(
        label=_("支出时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("留空为现在"),
    )


class AmountForm(forms.Form):
    amount = forms.CharField(label=_("金额（元）"), max_length=20)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class CashAdjustForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("方向"),
        choices=[("decrease", _("减少（手续费等）")), ("increase", _("增加（利息等）"))],
    )
    amount = forms.CharField(label=_("金额（元）"), max_length=20)
    reason = forms.CharField(label=_("调整原因"), max_length=300)


class CashCorrectForm(forms.Form):
    amount = forms.CharField(label=_("更正后金额（元）"), max_length=20)
    reason = forms.CharField(label=_("更正原因"), max_length=300)
