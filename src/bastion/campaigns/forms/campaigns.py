"""Campaign forms and the phone form of a household visit."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.campaigns.forms.common import DATE, DATETIME
from bastion.campaigns.models import CampaignKind, Outcome
from bastion.people.models import Tag


class CampaignForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=CampaignKind.choices)
    starts_on = forms.DateField(label=gettext_lazy("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("结束日期"), widget=DATE)
    regions = forms.MultipleChoiceField(
        label=gettext_lazy("排查区域（可多选）"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("选中某个区域即包含其下所有网格的住户"),
    )
    household_tag = forms.ModelChoiceField(
        label=gettext_lazy("只走访有此标签人员的户"),
        queryset=Tag.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("全部住户"),
    )
    instructions = forms.CharField(
        label=gettext_lazy("工作要求"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args, regions=(), editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.region_map = {r.code: r for r in regions}
        self.fields["regions"].choices = [
            (r.code, ("　" * max(0, r.depth - 1)) + r.name) for r in regions
        ]
        if editing:
            for name in ("kind", "starts_on", "regions", "household_tag"):
                del self.fields[name]

    def clean_regions(self):
        return [self.region_map[c] for c in self.cleaned_data["regions"] if c in self.region_map]


OUTCOME_HELP = {
    Outcome.VISITED: gettext_lazy("见到住户，完成询问"),
    Outcome.NOBODY_HOME: gettext_lazy("敲门无人应答，列入回访"),
    Outcome.REFUSED: gettext_lazy("住户不配合"),
    Outcome.VACANT: gettext_lazy("房屋无人居住"),
    Outcome.MOVED_OUT: gettext_lazy("住户已搬走"),
}


class VisitForm(forms.Form):
    """One household, one knock. Findings name household members by public id; people
    not on the registry are typed in `*_others` (comma or 、 separated)."""

    outcome = forms.ChoiceField(
        label=gettext_lazy("走访结果"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    people_present = forms.IntegerField(
        label=gettext_lazy("在场人数"),
        min_value=0,
        max_value=99,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 99}),
    )
    returnees = forms.MultipleChoiceField(
        label=gettext_lazy("从风险地区返回的人员"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    returnee_others = forms.CharField(
        label=gettext_lazy("其他返回人员（不在本户名册上）"), required=False, max_length=120
    )
    origin = forms.CharField(
        label=gettext_lazy("从哪里返回"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：湖北省武汉市")}),
    )
    arrived_on = forms.DateField(label=gettext_lazy("返回日期"), required=False, widget=DATE)
    symptomatic = forms.MultipleChoiceField(
        label=gettext_lazy("有发热、咳嗽等症状的人员"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    symptomatic_others = forms.CharField(
        label=gettext_lazy("其他有症状人员（不在本户名册上）"), required=False, max_length=120
    )
    symptoms = forms.CharField(
        label=gettext_lazy("症状"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：发热 37.8℃、咳嗽")}),
    )
    other_finding = forms.CharField(
        label=gettext_lazy("其他需要上报的情况"), required=False, max_length=300
    )
    note = forms.CharField(
        label=gettext_lazy("备注"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photo = forms.FileField(
        label=gettext_lazy("照片（可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    visited_at = forms.DateTimeField(
        label=gettext_lazy("走访时间（补录时填写）"), required=False, widget=DATETIME
    )
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput())
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput())
    entry_key = forms.CharField(widget=forms.HiddenInput(), max_length=64)

    def __init__(self, *args, members=(), materials=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(p.public_id): p for p in members}
        choices = [(str(p.public_id), p.name) for p in members]
        self.fields["returnees"].choices = choices
        self.fields["symptomatic"].choices = choices
        self.materials = list(materials)
        for material in self.materials:
            self.fields[f"material_{material.public_id}"] = forms.IntegerField(
                label=material.name,
                required=False,
                min_value=0,
                max_value=10_000,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            )
        if not self.is_bound:
            self.initial.setdefault("entry_key", uuid.uuid4().hex)

    @property
    def material_fields(self):
        return [self[f"material_{m.public_id}"] for m in self.materials]

    @staticmethod
    def _names(text: str) -> list[str]:
        for sep in ("、", "，", ";", "；"):
            text = text.replace(sep, ",")
        return [n.strip() for n in text.split(",") if n.strip()]

    def finding_inputs(self):
        """FindingInput rows for the service."""
        from bastion.campaigns.models import FindingKind
        from bastion.campaigns.services.visits import FindingInput

        data = self.cleaned_data
        rows = []
        for code in data.get("returnees") or []:
            rows.append(
                FindingInput(
                    kind=FindingKind.RISK_ARRIVAL,
                    person=self.members[code],
                    origin=data.get("origin") or "",
                    arrived_on=data.get("arrived_on"),
                )
            )
        for name in self._names(data.get("returnee_others") or ""):
            rows.append(
                FindingInput(
                    kind=FindingKind.RISK_ARRIVAL,
                    person_name=name,
                    origin=data.get("origin") or "",
                    arrived_on=data.get("arrived_on"),
                )
            )
        for code in data.get("symptomatic") or []:
            rows.append(
                FindingInput(
                    kind=FindingKind.SYMPTOMS,
                    person=self.members[code],
                    symptoms=data.get("symptoms") or "",
                )
            )
        for name in self._names(data.get("symptomatic_others") or ""):
            rows.append(
                FindingInput(
                    kind=FindingKind.SYMPTOMS, person_name=name, symptoms=data.get("symptoms") or ""
                )
            )
        if data.get("other_finding"):
            rows.append(FindingInput(kind=FindingKind.OTHER, note=data["other_finding"]))
        return rows

    def material_inputs(self):
        from bastion.campaigns.services.visits import MaterialInput

        return [
            MaterialInput(material=m, quantity=self.cleaned_data[f"material_{m.public_id}"])
            for m in self.materials
            if self.cleaned_data.get(f"material_{m.public_id}")
        ]

    def clean(self):
        data = super().clean()
        has_returnee = data.get("returnees") or data.get("returnee_others")
        if has_returnee and not data.get("origin"):
            self.add_error("origin", _("请填写从哪里返回"))
        if has_returnee and not data.get("arrived_on"):
            self.add_error("arrived_on", _("请填写返回日期"))
        if (data.get("symptomatic") or data.get("symptomatic_others")) and not data.get("symptoms"):
            self.add_error("symptoms", _("请填写症状"))
        return data


class CorrectionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("更正为"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    people_present = forms.IntegerField(
        label=gettext_lazy("在场人数"), min_value=0, max_value=99, initial=0
    )
    reason = forms.CharField(label=gettext_lazy("更正原因"), max_length=300)
