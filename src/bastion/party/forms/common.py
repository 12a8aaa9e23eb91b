"""Form pieces shared by the party pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


def date_field(label, *, required: bool = True, **kw) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, **kw)


def text_area(label, *, required: bool = True, max_length: int = 5000, rows: int = 4):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class MemberPick(forms.CharField):
    """A member named by an exact ID number, mobile number or full name (resolved in the view)."""

    def __init__(self, label=None, **kw):
        kw.setdefault("max_length", 60)
        kw.setdefault("help_text", _("填写姓名或身份证号；同名时请填身份证号"))
        super().__init__(label=label or _("党员"), **kw)


class OrgPick(forms.CharField):
    """An organization named by its code or its exact name (resolved in the view)."""

    def __init__(self, label=None, **kw):
        kw.setdefault("max_length", 120)
        kw.setdefault("help_text", _("填写党组织代码或全称"))
        super().__init__(label=label or _("党组织"), **kw)


class RegionPick(forms.CharField):
    """A region named by its code or exact name (resolved in the view)."""

    def __init__(self, label=None, **kw):
        kw.setdefault("max_length", 100)
        kw.setdefault("required", False)
        kw.setdefault("help_text", _("填写区域代码或名称，可不填"))
        super().__init__(label=label or _("区域"), **kw)


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    """Several files in one input (evidence, attachments)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultiFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []
