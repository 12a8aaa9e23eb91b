"""Forms of members: enroll, edit, transfer, login, import, service record."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.core.importing import ImportMode
from bastion.party.forms.common import OrgPick, RegionPick, date_field
from bastion.party.models import MemberStatus

FLAG_CHOICES = [
    ("", _("全部")),
    ("employed", _("在职党员")),
    ("medical", _("医务人员")),
    ("cadre", _("干部")),
]


class MemberFilterForm(forms.Form):
    organization = forms.CharField(label=_("党组织代码"), required=False, max_length=40)
    status = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("在册党员")), *MemberStatus.choices]
    )
    flag = forms.ChoiceField(label=_("标记"), required=False, choices=FLAG_CHOICES)


class SearchForm(forms.Form):
    """Posted, so that an ID or phone number never reaches a URL (docs/decisions/0007)."""

    q = forms.CharField(label=_("姓名、身份证号或手机号"), required=False, max_length=60)


class MembershipFields(forms.Form):
    status = forms.ChoiceField(
        label=_("党员类别"),
        choices=[
            (MemberStatus.FULL, MemberStatus.FULL.label),
            (MemberStatus.PROBATIONARY, MemberStatus.PROBATIONARY.label),
        ],
    )
    joined_party_on = date_field(_("入党日期"), required=False)
    occupation = forms.CharField(label=_("职业"), max_length=60, required=False)
    employer = forms.CharField(label=_("工作单位"), max_length=120, required=False)
    is_employed = forms.BooleanField(label=_("在职党员"), required=False)
    is_medical_worker = forms.BooleanField(label=_("医务人员"), required=False)
    is_cadre = forms.BooleanField(label=_("干部"), required=False)


class MemberCreateForm(MembershipFields):
    name = forms.CharField(label=_("姓名"), max_length=60)
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    grid = RegionPick(label=_("居住网格"), help_text=_("填写网格编码；新登记人员请填写"))
    organization = OrgPick()

    field_order = ["name", "id_number", "phone", "grid", "organization"]


class MemberEditForm(MembershipFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = MemberStatus.choices


class TransferForm(forms.Form):
    to = OrgPick(label=_("转入党组织"))
    on = date_field(_("转接日期"))
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class AccountCreateForm(forms.Form):
    username = forms.CharField(
        label=_("登录用户名"), max_length=150, help_text=_("建议用姓名拼音加数字，不要用手机号")
    )


class AccountLinkForm(forms.Form):
    username = forms.CharField(label=_("已有账号的用户名"), max_length=150)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("党员名册（.xlsx 或 .csv）"))
    default_organization = OrgPick(
        label=_("默认党组织"), required=False, help_text=_("文件中没有“党组织”列时使用")
    )


class ImportRunForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[(ImportMode.ALL_OR_NOTHING, ""), (ImportMode.VALID_ROWS, "")], required=False
    )


class ServiceEntryForm(forms.Form):
    community = RegionPick(label=_("服务社区"), required=True, help_text=_("村或社区的代码或名称"))
    served_on = date_field(_("服务日期"))
    hours = forms.DecimalField(
        label=_("服务时长（小时）"), min_value=0, max_value=24, decimal_places=2
    )
    description = forms.CharField(label=_("服务内容"), max_length=300)


class ServiceCorrectionForm(forms.Form):
    hours = forms.DecimalField(
        label=_("更正后的时长（小时）"), min_value=0, max_value=24, decimal_places=2
    )
    description = forms.CharField(label=_("服务内容"), max_length=300)


class QuarterForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    quarter = forms.ChoiceField(
        label=_("季度"),
        choices=[(1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))],
    )
