"""Material, partner company and distribution forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.campaigns.forms.common import DATE
from bastion.campaigns.models import DistributionAction, MaterialKind


def _region_choices(regions) -> list[tuple[str, str]]:
    return [(r.code, ("　" * max(0, r.depth - 1)) + r.name) for r in regions]


class RegionChoiceMixin:
    """A `region` choice field over the regions given to the form."""

    def set_regions(self, regions) -> None:
        self.region_map = {r.code: r for r in regions}
        self.fields["region"].choices = _region_choices(regions)

    def clean_region(self):
        region = self.region_map.get(self.cleaned_data["region"])
        if region is None:
            raise forms.ValidationError(_("请选择区域"))
        return region


class MaterialForm(RegionChoiceMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("资料名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=MaterialKind.choices)
    region = forms.ChoiceField(label=gettext_lazy("印发单位（区域）"))
    campaign = forms.ChoiceField(label=gettext_lazy("所属排查行动"), required=False)
    note = forms.CharField(label=gettext_lazy("说明"), max_length=300, required=False)

    def __init__(self, *args, regions=(), campaigns=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_regions(regions)
        self.campaign_map = {str(c.public_id): c for c in campaigns}
        self.fields["campaign"].choices = [("", _("（不属于某次行动）"))] + [
            (str(c.public_id), c.name) for c in campaigns
        ]

    def clean_campaign(self):
        return self.campaign_map.get(self.cleaned_data.get("campaign") or "")


class CompanyForm(RegionChoiceMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("公司名称"), max_length=100)
    region = forms.ChoiceField(label=gettext_lazy("服务区域"))
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=60, required=False)
    contact_phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=300, required=False)

    def __init__(self, *args, regions=(), editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_regions(regions)
        if editing:
            del self.fields["region"]
            self.fields["contact_phone"].help_text = _("留空表示不修改")


class DistributionForm(RegionChoiceMixin, forms.Form):
    material = forms.ChoiceField(label=gettext_lazy("资料"))
    action = forms.ChoiceField(
        label=gettext_lazy("方式"), choices=DistributionAction.choices, widget=forms.RadioSelect
    )
    quantity = forms.IntegerField(
        label=gettext_lazy("数量（份/张）"),
        min_value=1,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
    )
    region = forms.ChoiceField(label=gettext_lazy("区域"))
    place = forms.CharField(
        label=gettext_lazy("地点"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：3栋单元门、小区公告栏")}),
    )
    company = forms.ChoiceField(label=gettext_lazy("物业公司（如由物业张贴）"), required=False)
    distributed_on = forms.DateField(label=gettext_lazy("日期"), widget=DATE)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=300, required=False)

    def __init__(self, *args, materials=(), regions=(), companies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_regions(regions)
        self.material_map = {str(m.public_id): m for m in materials}
        self.fields["material"].choices = [
            (str(m.public_id), f"{m.name}（{m.get_kind_display()}）") for m in materials
        ]
        self.company_map = {str(c.public_id): c for c in companies}
        self.fields["company"].choices = [("", _("（无）"))] + [
            (str(c.public_id), c.name) for c in companies
        ]

    def clean_material(self):
        material = self.material_map.get(self.cleaned_data["material"])
        if material is None:
            raise forms.ValidationError(_("请选择资料"))
        return material

    def clean_company(self):
        return self.company_map.get(self.cleaned_data.get("company") or "")
