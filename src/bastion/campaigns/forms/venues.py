"""Venue, venue kind, inspection, commitment letter, trace and check-in forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.campaigns.forms.common import DATE, DATETIME
from bastion.campaigns.models import InspectionResult, VenueKind


class VenueForm(forms.Form):
    kind = forms.ModelChoiceField(
        label=gettext_lazy("类型"), queryset=VenueKind.objects.none(), to_field_name="code"
    )
    name = forms.CharField(label=gettext_lazy("场所名称"), max_length=100)
    grid = forms.ChoiceField(label=gettext_lazy("所在网格"))
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200, required=False)
    responsible_name = forms.CharField(label=gettext_lazy("负责人"), max_length=60, required=False)
    contact_phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=gettext_lazy("加密保存，列表中脱敏显示；留空表示不修改"),
    )

    def __init__(self, *args, grids=(), editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = VenueKind.objects.filter(active=True)
        self.grid_map = {g.code: g for g in grids}
        self.fields["grid"].choices = [(g.code, f"{g.name}（{g.code}）") for g in grids]
        if editing:
            del self.fields["grid"]
        else:
            self.fields["contact_phone"].help_text = _("加密保存，列表中脱敏显示")

    def clean_grid(self):
        grid = self.grid_map.get(self.cleaned_data["grid"])
        if grid is None:
            raise forms.ValidationError(_("请选择所在网格"))
        return grid


class VenueKindForm(forms.Form):
    code = forms.SlugField(
        label=gettext_lazy("代码"),
        max_length=30,
        help_text=gettext_lazy("小写字母、数字或下划线，创建后不能修改"),
    )
    name_zh = forms.CharField(label=gettext_lazy("名称"), max_length=40)
    name_en = forms.CharField(label=gettext_lazy("英文名称"), max_length=60, required=False)
    checklist = forms.CharField(
        label=gettext_lazy("检查项（每行一项）"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    order = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=999, initial=100)
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]


class InspectionForm(forms.Form):
    passed_items = forms.MultipleChoiceField(
        label=gettext_lazy("已落实的检查项（勾选）"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    result = forms.ChoiceField(
        label=gettext_lazy("检查结论"), choices=InspectionResult.choices, widget=forms.RadioSelect
    )
    rectify_by = forms.DateField(
        label=gettext_lazy("整改期限（限期整改时填写）"), required=False, widget=DATE
    )
    note = forms.CharField(
        label=gettext_lazy("说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    inspected_at = forms.DateTimeField(
        label=gettext_lazy("检查时间（补录时填写）"), required=False, widget=DATETIME
    )

    def __init__(self, *args, checklist=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["passed_items"].choices = [(item, item) for item in checklist]


class CommitmentForm(forms.Form):
    signed_by = forms.CharField(label=gettext_lazy("签署人"), max_length=60)
    signer_role = forms.CharField(
        label=gettext_lazy("签署人身份"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：法定代表人、店长")}),
    )
    signed_on = forms.DateField(label=gettext_lazy("签署日期"), widget=DATE)
    scan = forms.FileField(
        label=gettext_lazy("承诺书扫描件或照片（图片或 PDF）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=300)


class TraceForm(forms.Form):
    window_start = forms.DateTimeField(label=gettext_lazy("从"), widget=DATETIME)
    window_end = forms.DateTimeField(label=gettext_lazy("到"), widget=DATETIME)
    case_ref = forms.CharField(
        label=gettext_lazy("病例或事件编号"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("必填：没有编号不能查询"),
    )
    purpose = forms.CharField(
        label=gettext_lazy("查询目的"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：确诊病例密切接触者排查")}),
    )


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("name", "name"), ("phone", "phone")])
    reason = forms.CharField(max_length=300, required=False)


class CheckInForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("姓名"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
