"""Forms of community registration (报到): the member's own, offline entry, decisions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.party.forms.common import MemberPick, date_field

SKILL_CHOICES = [
    ("驾驶", _("驾驶")),
    ("医疗护理", _("医疗护理")),
    ("心理疏导", _("心理疏导")),
    ("宣传写作", _("宣传写作")),
    ("信息录入", _("信息录入")),
    ("物资配送", _("物资配送")),
    ("法律咨询", _("法律咨询")),
    ("外语翻译", _("外语翻译")),
]


class RegistrationFields(forms.Form):
    community = forms.ChoiceField(label=_("报到社区（村）"))
    skills = forms.MultipleChoiceField(
        label=_("特长（可多选）"),
        required=False,
        choices=SKILL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    other_skills = forms.CharField(label=_("其他特长"), max_length=100, required=False)
    availability = forms.CharField(
        label=_("可服务时间"),
        max_length=200,
        required=False,
        help_text=_("如：周末全天、工作日晚上"),
    )
    service_wishes = forms.CharField(
        label=_("服务意向"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：卡口值守、入户排查、代购送药"),
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", "—"), *communities]

    def skill_list(self) -> list[str]:
        data = self.cleaned_data
        extra = [
            s for s in (data.get("other_skills") or "").replace("，", ",").split(",") if s.strip()
        ]
        return [*data.get("skills", []), *extra]


class OfflineRegistrationForm(RegistrationFields):
    member = MemberPick()

    field_order = ["member", "community"]


class DecideForm(forms.Form):
    valid_until = date_field(_("有效期至"), required=False, help_text=_("不填则按默认期限"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
