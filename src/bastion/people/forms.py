"""Forms of the people pages: search, roster/region upload, import confirmation."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_path
from bastion.core.importing import ImportMode
from bastion.geo.models import Level
from bastion.geo.selectors import region_list
from bastion.people.models import Tag

ALLOWED_SUFFIXES = (".xlsx", ".csv")


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("姓名、身份证号或手机号"), required=False, max_length=60, strip=True
    )
    region = forms.CharField(label=gettext_lazy("区域代码"), required=False, max_length=15)
    tag = forms.ModelChoiceField(
        label=gettext_lazy("标签"),
        queryset=Tag.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("全部标签"),
    )


class ImportUploadForm(forms.Form):
    """A roster or region-tree file; rosters may name a default grid for rows without one."""

    file = forms.FileField(
        label=gettext_lazy("文件（.xlsx 或 .csv）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    default_grid = forms.ModelChoiceField(
        label=gettext_lazy("默认网格"),
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("（按文件中的网格列）"),
        help_text=gettext_lazy("文件中没有填写网格的行，归入这个网格。"),
    )

    def __init__(self, *args, user, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if kind == "people":
            grids = region_list(user=user, level=Level.GRID)
            self.fields["default_grid"].queryset = restrict_by_path(grids, user, Perm.PERSON_IMPORT)
        else:
            del self.fields["default_grid"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("只能上传 .xlsx 或 .csv 文件。"))
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的。"))
        if upload.size > settings.BASTION_MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("文件太大（上限 %(mb)d MB）。")
                % {"mb": settings.BASTION_MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload


class ImportRunForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[
            (ImportMode.ALL_OR_NOTHING, gettext_lazy("全部导入（有错误则不导入）")),
            (ImportMode.VALID_ROWS, gettext_lazy("仅导入有效行")),
        ]
    )
