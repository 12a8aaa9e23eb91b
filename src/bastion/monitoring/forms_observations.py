"""Forms of the observation, re-screening, list-import and policy pages (obs helper)."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_path
from bastion.core.importing import ImportMode
from bastion.geo.models import Level, Region
from bastion.monitoring.models import ClockStart, EndReason, Policy, TeamTemplate, Transport

_DATE = forms.DateInput(attrs={"type": "date"})


def grid_choices(user):
    return restrict_by_path(
        Region.objects.filter(level=Level.GRID), user, Perm.PERSON_CHANGE
    ).order_by("path")


class RegisterForm(forms.Form):
    """Register an observation: an existing person (picked by search) or a new one."""

    policy = forms.ModelChoiceField(
        label=gettext_lazy("类别"),
        queryset=Policy.objects.filter(active=True),
        to_field_name="category",
    )
    origin = forms.CharField(label=gettext_lazy("来源地"), max_length=100)
    arrived_on = forms.DateField(label=gettext_lazy("到达日期"), required=False, widget=_DATE)
    last_contact_on = forms.DateField(
        label=gettext_lazy("末次接触日期"), required=False, widget=_DATE
    )
    transport = forms.ChoiceField(
        label=gettext_lazy("交通方式"),
        choices=[("", gettext_lazy("（未填）")), *Transport.choices],
        required=False,
    )
    transport_number = forms.CharField(
        label=gettext_lazy("车次/航班号"), max_length=20, required=False
    )
    # new person (ignored when an existing person is chosen)
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=60, required=False)
    id_number = forms.CharField(label=gettext_lazy("身份证号"), max_length=30, required=False)
    phone = forms.CharField(label=gettext_lazy("手机"), max_length=20, required=False)
    grid = forms.ModelChoiceField(
        label=gettext_lazy("网格"),
        queryset=Region.objects.none(),
        to_field_name="code",
        required=False,
    )
    household_label = forms.CharField(
        label=gettext_lazy("户（门牌号）"), max_length=100, required=False
    )

    def __init__(self, *args, user, existing=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing
        self.fields["grid"].queryset = grid_choices(user)

    def clean(self):
        data = super().clean()
        if self.existing is None:
            for name in ("name", "id_number", "grid"):
                if not data.get(name):
                    self.add_error(name, _("新人员必须填写此项"))
        return data


class PersonPickForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("姓名、身份证号或手机号"), max_length=60)


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[
            ("", gettext_lazy("全部状态")),
            ("active", gettext_lazy("观察中")),
            ("released", gettext_lazy("已解除")),
            ("ended", gettext_lazy("提前结束")),
        ],
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("类别"),
        queryset=Policy.objects.all(),
        to_field_name="category",
        required=False,
        empty_label=gettext_lazy("全部类别"),
    )
    region = forms.CharField(label=gettext_lazy("区域代码"), required=False, max_length=15)


class EndForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("原因"), choices=EndReason.choices)
    note = forms.CharField(label=gettext_lazy("说明"), max_length=300, required=False)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=gettext_lazy("延长天数"), min_value=1, max_value=60)
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=300)


class ReleaseForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("备注"), max_length=300, required=False)


class ArrivalForm(forms.Form):
    origin = forms.CharField(label=gettext_lazy("来源地"), max_length=100)
    origin_code = forms.CharField(
        label=gettext_lazy("来源地区划代码"), max_length=12, required=False
    )
    arrived_on = forms.DateField(label=gettext_lazy("到达日期"), widget=_DATE)
    transport = forms.ChoiceField(
        label=gettext_lazy("交通方式"),
        choices=[("", gettext_lazy("（未填）")), *Transport.choices],
        required=False,
    )
    transport_number = forms.CharField(
        label=gettext_lazy("车次/航班号"), max_length=20, required=False
    )


class ListUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("文件（.xlsx 或 .csv）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    default_policy = forms.ModelChoiceField(
        label=gettext_lazy("默认类别"),
        queryset=Policy.objects.filter(active=True),
        to_field_name="category",
        required=False,
        empty_label=gettext_lazy("（按文件中的类别列）"),
    )
    default_grid = forms.ModelChoiceField(
        label=gettext_lazy("默认网格"),
        queryset=Region.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("（按文件中的网格列）"),
    )
    default_origin = forms.CharField(
        label=gettext_lazy("默认来源地"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("文件中没有“来源地”列或该列为空的行，使用这个来源地。"),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_grid"].queryset = grid_choices(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(_("只能上传 .xlsx 或 .csv 文件。"))
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的。"))
        if upload.size > settings.BASTION_MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件太大。"))
        return upload


class ListRunForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[
            (ImportMode.ALL_OR_NOTHING, gettext_lazy("全部导入（有错误则不导入）")),
            (ImportMode.VALID_ROWS, gettext_lazy("仅导入有效行")),
        ]
    )


class PolicyForm(forms.Form):
    category = forms.SlugField(label=gettext_lazy("类别代码"), max_length=40)
    name_zh = forms.CharField(label=gettext_lazy("名称"), max_length=40)
    name_en = forms.CharField(label=gettext_lazy("英文名称"), max_length=60, required=False)
    observation_days = forms.IntegerField(label=gettext_lazy("观察天数"), min_value=1, max_value=60)
    clock_start = forms.ChoiceField(label=gettext_lazy("起算日期"), choices=ClockStart.choices)
    followups_per_day = forms.IntegerField(
        label=gettext_lazy("每日随访次数"), min_value=1, max_value=6
    )
    fever_threshold = forms.DecimalField(
        label=gettext_lazy("发热阈值（℃）"), max_digits=3, decimal_places=1
    )
    cutoff_hour = forms.IntegerField(
        label=gettext_lazy("当日随访截止时刻（时）"), min_value=0, max_value=23
    )
    retention_days = forms.IntegerField(
        label=gettext_lazy("解除后保留天数"), min_value=0, max_value=3650
    )
    escalation_hours = forms.CharField(
        label=gettext_lazy("升级时限（小时，逗号分隔）"), max_length=40, required=False
    )
    team_template = forms.ModelChoiceField(
        label=gettext_lazy("责任组模板"), queryset=TeamTemplate.objects.all()
    )
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False)


class TemplateForm(forms.Form):
    """Seats as lines: `代码,名称[,英文名称][,*]` — `*` marks the seat that confirms release."""

    name = forms.CharField(label=gettext_lazy("模板名称"), max_length=40)
    seats = forms.CharField(
        label=gettext_lazy("岗位（每行一个：代码,名称,英文名称,*表示确认解除）"),
        widget=forms.Textarea(attrs={"rows": 7}),
    )


class RiskAreaForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("地区名称"), max_length=100)
    code = forms.CharField(
        label=gettext_lazy("区划代码（前缀，可选）"), max_length=12, required=False
    )
    risky_from = forms.DateField(label=gettext_lazy("风险开始日期"), widget=_DATE)
    risky_until = forms.DateField(
        label=gettext_lazy("风险结束日期（空表示仍为风险地区）"), required=False, widget=_DATE
    )
