from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.supplies.forms.common import (
    LineFormSet,
    PublicIdChoiceField,
    item_field,
    lot_label,
    quantity_field,
    unit_field,
)
from bastion.supplies.templatetags.supplies_tags import qty


class RecipientField(forms.ChoiceField):
    def __init__(self, choices, **kwargs):
        super().__init__(choices=[("", "—"), *choices], **kwargs)


class AllocationForm(forms.Form):
    reason = forms.CharField(
        label=_("需求说明"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    needed_by = forms.DateField(
        label=_("希望到货日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    disclose_recipient = forms.BooleanField(
        label=_("在公示页显示本单位名称"), required=False, initial=True
    )

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"recipient": RecipientField(recipients, label=_("接收单位")), **self.fields}


class RequestLineForm(forms.Form):
    item = item_field(None)
    quantity = quantity_field()
    unit = unit_field(required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["item"].queryset = items


def request_line_formset(data=None, *, items, extra=4):
    FormSet = forms.formset_factory(RequestLineForm, formset=LineFormSet, extra=extra)
    return FormSet(data, prefix="lines", form_kwargs={"items": items})


class PerLineForm(forms.Form):
    """One quantity field per allocation line (`q_<public_id>`) in `unit_of(view)`, with
    an optional lot (`lot_<public_id>`) and note (`note_<public_id>`)."""

    def __init__(self, *args, views, initial_of, unit_of, lots=None, notes=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.views = views
        self.unit_of = unit_of
        for view in views:
            key = view.line.public_id
            self.fields[f"q_{key}"] = quantity_field(
                label=f"{view.line.item.name}（{unit_of(view).name_zh}）", required=True
            )
            self.fields[f"q_{key}"].initial = qty(initial_of(view))
            if lots is not None:
                choices = lots.get(view.line.item_id, [])
                self.fields[f"lot_{key}"] = forms.ChoiceField(
                    label=_("批次"),
                    required=False,
                    choices=[("", _("自动（先进先出）"))]
                    + [
                        (str(r.lot.public_id), f"{lot_label(r)} · {qty(r.balance)}")
                        for r in choices
                    ],
                )
            if notes:
                self.fields[f"note_{key}"] = forms.CharField(
                    label=_("短缺说明"), max_length=200, required=False
                )

    def rows(self):
        """(view, quantity text, lot public id or "", note) per line."""
        data = self.cleaned_data
        for view in self.views:
            key = view.line.public_id
            yield (
                view,
                data.get(f"q_{key}", ""),
                data.get(f"lot_{key}", ""),
                data.get(f"note_{key}", ""),
            )

    def field_of(self, index: int, name: str = "quantity") -> str | None:
        key = self.views[index].line.public_id
        return {"quantity": f"q_{key}", "note": f"note_{key}", "lot": f"lot_{key}"}.get(name)


class DecideForm(PerLineForm):
    def __init__(self, *args, warehouses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"] = PublicIdChoiceField(
            warehouses, label=_("发货仓库"), required=False, empty_label="—"
        )
        self.fields["decision_note"] = forms.CharField(
            label=_("审批意见"), max_length=300, required=False
        )


class IssueForm(PerLineForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"] = forms.CharField(label=_("备注"), max_length=300, required=False)


class ConfirmForm(PerLineForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, notes=True, **kwargs)
        self.fields["note"] = forms.CharField(label=_("备注"), max_length=300, required=False)


class AllocationFilterForm(forms.Form):
    q = forms.CharField(label=_("接收单位或编号"), required=False, max_length=60)
    status = forms.ChoiceField(label=_("状态"), required=False)
    todo = forms.ChoiceField(
        label=_("待办"),
        required=False,
        choices=[
            ("", _("全部")),
            ("approve", _("待审批")),
            ("issue", _("待出库")),
            ("confirm", _("待确认收货")),
        ],
    )

    def __init__(self, *args, **kwargs):
        from bastion.supplies.models import AllocationStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部"))] + list(AllocationStatus.choices)
