"""Forms of the command pages. They only parse; the services validate and write."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.command.models import (
    DailyFormField,
    FieldKind,
    IncidentGrade,
    MeetingKind,
    NoticeKind,
    Priority,
)
from bastion.command.units import UNIT_LEVELS, Unit
from bastion.geo.models import Level

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_DATE = forms.DateInput(attrs={"type": "date"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, input_formats=DATETIME_FORMATS, widget=_DATETIME, **kwargs
    )


def unit_choices(units: list[Unit]) -> list[tuple[str, str]]:
    return [(u.key, u.name) for u in units]


class IssuerMixin:
    """A form whose `issuer` field lists the levels the user issues from."""

    def set_issuers(self, issuers: list[Unit]) -> None:
        self.fields["issuer"].choices = unit_choices(issuers)
        if len(issuers) == 1:
            self.fields["issuer"].initial = issuers[0].key


class DirectiveForm(IssuerMixin, forms.Form):
    issuer = forms.ChoiceField(label=gettext_lazy("下发单位"))
    title = forms.CharField(label=gettext_lazy("标题"), max_length=120)
    content = forms.CharField(
        label=gettext_lazy("内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    priority = forms.ChoiceField(label=gettext_lazy("紧急程度"), choices=Priority.choices)
    deadline = _datetime_field(gettext_lazy("办理期限"))
    remind_hours = forms.IntegerField(
        label=gettext_lazy("到期前多少小时提醒"), min_value=0, max_value=168, initial=24
    )
    targets = forms.MultipleChoiceField(
        label=gettext_lazy("接收单位"), widget=forms.CheckboxSelectMultiple
    )
    attachments = MultipleFileField(label=gettext_lazy("附件（图片、PDF、Word、Excel）"))

    def __init__(self, *args, issuers: list[Unit], targets: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.set_issuers(issuers)
        self.fields["targets"].choices = unit_choices(targets)


class TargetStepForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = MultipleFileField(label=gettext_lazy("附件"))


class MeetingForm(IssuerMixin, forms.Form):
    issuer = forms.ChoiceField(label=gettext_lazy("召开单位"))
    kind = forms.ChoiceField(label=gettext_lazy("会议类型"), choices=MeetingKind.choices)
    title = forms.CharField(label=gettext_lazy("会议名称"), max_length=120)
    held_at = _datetime_field(gettext_lazy("会议时间"))
    place = forms.CharField(label=gettext_lazy("地点"), max_length=120, required=False)
    chair = forms.CharField(label=gettext_lazy("主持人"), max_length=60, required=False)
    attendees = forms.CharField(
        label=gettext_lazy("参会人员（每行一人或一个单位）"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    summary = forms.CharField(
        label=gettext_lazy("会议纪要"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    decisions = forms.CharField(
        label=gettext_lazy("会议决定（每行一条，可写成：决定内容 | 牵头单位 | 完成日期）"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, issuers: list[Unit] | None = None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["issuer"]
            del self.fields["decisions"]
        else:
            self.set_issuers(issuers or [])

    def clean_decisions(self) -> list[dict]:
        return parse_decisions(self.cleaned_data.get("decisions", ""))


def parse_decisions(text: str) -> list[dict]:
    """Lines "text | owner | YYYY-MM-DD" (owner and date optional) -> decision dicts."""
    decisions = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        parts = [p.strip() for p in line.split("|")]
        if not parts[0]:
            continue
        due_on = None
        if len(parts) > 2 and parts[2]:
            try:
                due_on = dt.date.fromisoformat(parts[2])
            except ValueError as exc:
                raise ValidationError(_("第%(n)d行的完成日期应写成 YYYY-MM-DD") % {"n": n}) from exc
        decisions.append(
            {"text": parts[0], "owner": parts[1] if len(parts) > 1 else "", "due_on": due_on}
        )
    return decisions


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("决定内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.CharField(label=gettext_lazy("牵头单位"), max_length=120, required=False)
    due_on = forms.DateField(label=gettext_lazy("完成日期"), required=False, widget=_DATE)


class NoticeForm(IssuerMixin, forms.Form):
    issuer = forms.ChoiceField(label=gettext_lazy("发布单位"))
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=NoticeKind.choices)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=120)
    body = forms.CharField(
        label=gettext_lazy("正文"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10})
    )
    targets = forms.MultipleChoiceField(
        label=gettext_lazy("发送单位"), widget=forms.CheckboxSelectMultiple
    )
    attachments = MultipleFileField(label=gettext_lazy("附件（图片、PDF、Word、Excel）"))

    def __init__(self, *args, issuers: list[Unit], targets: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.set_issuers(issuers)
        self.fields["targets"].choices = unit_choices(targets)


class NoticeReviseForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("标题"), max_length=120)
    body = forms.CharField(
        label=gettext_lazy("正文"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10})
    )
    change_note = forms.CharField(label=gettext_lazy("修订说明"), max_length=300)
    attachments = MultipleFileField(label=gettext_lazy("新版本的附件"))


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("事件类型"))
    grade = forms.ChoiceField(
        label=gettext_lazy("等级"), choices=IncidentGrade.choices, initial=IncidentGrade.SIMPLE
    )
    region = forms.ChoiceField(label=gettext_lazy("发生在"))
    place = forms.CharField(label=gettext_lazy("具体地点"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("事件描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultipleFileField(
        label=gettext_lazy("照片（可拍照上传）"),
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args, kinds, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.name_zh) for k in kinds]
        self.fields["region"].choices = [(r.code, r.name) for r in regions]


class DispatchForm(forms.Form):
    handler = forms.ChoiceField(label=gettext_lazy("处置单位"))
    deadline = _datetime_field(gettext_lazy("处置期限"))
    note = forms.CharField(label=gettext_lazy("分拨意见"), max_length=1000, required=False)

    def __init__(self, *args, handlers: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = unit_choices(handlers)


class ExtensionForm(forms.Form):
    deadline = _datetime_field(gettext_lazy("申请延至"))
    reason = forms.CharField(label=gettext_lazy("延期理由"), max_length=300)


class IncidentKindForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("代码"), max_length=40)
    name_zh = forms.CharField(label=gettext_lazy("中文名称"), max_length=60)
    name_en = forms.CharField(label=gettext_lazy("英文名称"), max_length=60, required=False)
    default_grade = forms.ChoiceField(label=gettext_lazy("默认等级"), choices=IncidentGrade.choices)
    order = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=999, initial=0)
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)


LEVEL_CHOICES = [(level.value, level.label) for level in Level if level in UNIT_LEVELS]


class DailyFormForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("日报名称"), max_length=80)
    description = forms.CharField(label=gettext_lazy("说明"), max_length=300, required=False)
    levels = forms.MultipleChoiceField(
        label=gettext_lazy("由哪些单位填报"),
        choices=LEVEL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline_hour = forms.IntegerField(
        label=gettext_lazy("每天截止时间（点）"), min_value=1, max_value=24, initial=18
    )
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)
    fields_text = forms.CharField(
        label=gettext_lazy(
            "填报项（每行一项：代码,名称[,类型 integer 或 text][,最小值][,最大值]）"
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["fields_text"]
        else:
            del self.fields["active"]

    def clean_fields_text(self) -> list[dict]:
        return parse_field_lines(self.cleaned_data.get("fields_text", ""))


def _int_or_none(text: str, n: int):
    if not text:
        return None
    try:
        return int(text)
    except ValueError as exc:
        raise ValidationError(_("第%(n)d行的最小值、最大值须为整数") % {"n": n}) from exc


def parse_field_lines(text: str) -> list[dict]:
    """Lines "code,label[,kind][,min][,max]" -> field dicts (commas may be Chinese ones)."""
    fields = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if not any(parts):
            continue
        if len(parts) < 2:
            raise ValidationError(_("第%(n)d行应写成：代码,名称") % {"n": n})
        kind = parts[2] if len(parts) > 2 and parts[2] else FieldKind.INTEGER
        if kind not in FieldKind.values:
            raise ValidationError(_("第%(n)d行的类型只能是 integer 或 text") % {"n": n})
        fields.append(
            {
                "code": parts[0],
                "label": parts[1],
                "kind": kind,
                "min_value": _int_or_none(parts[3], n) if len(parts) > 3 else 0,
                "max_value": _int_or_none(parts[4], n) if len(parts) > 4 else None,
            }
        )
    return fields


class DailyFieldForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("代码"), max_length=40)
    label = forms.CharField(label=gettext_lazy("名称"), max_length=60)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=FieldKind.choices)
    required = forms.BooleanField(label=gettext_lazy("必填"), required=False, initial=True)
    min_value = forms.IntegerField(label=gettext_lazy("最小值"), required=False, initial=0)
    max_value = forms.IntegerField(label=gettext_lazy("最大值"), required=False)
    help_text = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)


def fill_form_class(fields: list[DailyFormField]) -> type[forms.Form]:
    """A form with one input per active field of a daily form."""
    attrs = {}
    for field in fields:
        if field.kind == FieldKind.INTEGER:
            attrs[field.code] = forms.IntegerField(
                label=field.label,
                required=field.required,
                min_value=field.min_value,
                max_value=field.max_value,
                help_text=field.help_text,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        else:
            attrs[field.code] = forms.CharField(
                label=field.label,
                required=field.required,
                max_length=200,
                help_text=field.help_text,
            )
    return type("DailyFillForm", (forms.Form,), attrs)


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        target = name if name in form.fields else None
        form.add_error(target, errors)
