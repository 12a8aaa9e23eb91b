"""Forms of organizations, temporary branches, secondments and officer grants."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.party.forms.common import MemberPick, RegionPick, date_field
from bastion.party.models import Sector, TemporarySite, Tier


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(label=_("名称或代码"), required=False, max_length=100)
    tier = forms.ChoiceField(
        label=_("层级"), required=False, choices=[("", _("全部层级")), *Tier.choices]
    )
    sector = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *Sector.choices]
    )
    temporary = forms.ChoiceField(
        label=_("临时党支部"),
        required=False,
        choices=[("", "—"), ("open", _("运行中")), ("closed", _("已撤销"))],
    )


class OrganizationForm(forms.Form):
    code = forms.CharField(
        label=_("组织代码"), max_length=40, help_text=_("全县唯一，建立后不能修改")
    )
    name = forms.CharField(label=_("名称"), max_length=120)
    tier = forms.ChoiceField(label=_("层级"), choices=Tier.choices)
    sector = forms.ChoiceField(label=_("单位类型"), choices=Sector.choices)
    region = RegionPick(label=_("所在区域"))
    secretary = forms.CharField(label=_("书记"), max_length=60, required=False)
    site_kind = forms.ChoiceField(
        label=_("设立地点类型（临时党支部）"),
        required=False,
        choices=[("", "—"), *TemporarySite.choices],
    )
    site_name = forms.CharField(label=_("设立地点（临时党支部）"), max_length=120, required=False)
    purpose = forms.CharField(
        label=_("设立原因（临时党支部）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    opened_on = date_field(_("成立日期（临时党支部）"), required=False)


class OrganizationEditForm(OrganizationForm):
    """The editable part: code, tier and parent stay."""

    def __init__(self, *args, temporary: bool, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["code"]
        del self.fields["tier"]
        if not temporary:
            for name in ("site_kind", "site_name", "purpose", "opened_on"):
                del self.fields[name]


class CloseForm(forms.Form):
    closed_on = date_field(_("撤销日期"))
    reason = forms.CharField(label=_("撤销原因"), max_length=300, required=False)


class TargetForm(forms.Form):
    target = forms.IntegerField(
        label=_("报到率目标（%）"), min_value=0, max_value=100, required=False
    )


class SecondmentForm(forms.Form):
    member = MemberPick()
    duty = forms.CharField(label=_("承担任务"), max_length=100, required=False)
    started_on = date_field(_("选派日期"))


class EndForm(forms.Form):
    ended_on = date_field(_("结束日期"))


class OfficerGrantForm(forms.Form):
    username = forms.CharField(label=_("已有账号的用户名"), max_length=150)


class OfficerAccountForm(forms.Form):
    username = forms.CharField(label=_("新账号用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=60)
