"""The grid worker's today page, the few-taps follow-up form, and the self-report QR fragment."""

from __future__ import annotations

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from bastion.core.audit import client_ip
from bastion.monitoring.models import Contact, Observation, Symptom
from bastion.monitoring.selectors.followups import GROUPS, today_row, today_rows
from bastion.monitoring.selectors.observations import observation_get
from bastion.monitoring.services.followups import can_record_followup, followup_record
from bastion.monitoring.services.selfreport import selfreport_token_issue

AT_HOME_CHOICES = [("yes", gettext_lazy("在家")), ("no", gettext_lazy("不在家"))]
GROUP_LABELS = {
    "abnormal": gettext_lazy("异常"),
    "overdue": gettext_lazy("已超时"),
    "due": gettext_lazy("待随访"),
    "done": gettext_lazy("今日已完成"),
}


class FollowUpForm(forms.Form):
    """A check in a few taps: temperature, symptom chips, at home, seen or not."""

    temperature = forms.CharField(
        label=gettext_lazy("体温（℃）"),
        required=False,
        max_length=5,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "placeholder": "36.5", "autocomplete": "off"}
        ),
    )
    symptoms = forms.MultipleChoiceField(
        label=gettext_lazy("症状"),
        required=False,
        choices=Symptom.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    other_symptom = forms.CharField(label=gettext_lazy("其他症状"), required=False, max_length=200)
    at_home = forms.ChoiceField(
        label=gettext_lazy("是否在家"),
        choices=AT_HOME_CHOICES,
        initial="yes",
        widget=forms.RadioSelect,
    )
    contact = forms.ChoiceField(
        label=gettext_lazy("联系情况"),
        choices=Contact.choices,
        initial=Contact.SEEN,
        widget=forms.RadioSelect,
    )
    observed_at = forms.DateTimeField(
        label=gettext_lazy("随访时间（补录时填写）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    note = forms.CharField(label=gettext_lazy("备注"), required=False, max_length=300)


def _row_context(request, row, form=None) -> dict:
    return {"rows": [row], "form": form}


@login_required
def today(request: HttpRequest) -> HttpResponse:
    """Today's people for the user: abnormal, overdue, due, done, each with a record button."""
    groups, truncated = today_rows(user=request.user)
    sections = [(g, GROUP_LABELS[g], groups[g]) for g in GROUPS]
    return render(
        request,
        "monitoring/followups/today.html",
        {
            "sections": sections,
            "truncated": truncated,
            "total": sum(len(rows) for rows in groups.values()),
            "today": timezone.localdate(),
        },
    )


def _observation_for_recording(request, public_id) -> Observation:
    observation = observation_get(user=request.user, public_id=public_id)
    if not can_record_followup(request.user, observation):
        raise Http404
    return observation


@login_required
def followup_form(request: HttpRequest, public_id) -> HttpResponse:
    """GET: the row with its form; POST: record, then the updated row (htmx) or back to today."""
    observation = _observation_for_recording(request, public_id)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            followup_record(
                actor=request.user,
                observation=observation,
                observed_at=data["observed_at"],
                temperature=data["temperature"],
                symptoms=data["symptoms"],
                at_home=data["at_home"] == "yes",
                contact=data["contact"],
                other_symptom=data["other_symptom"],
                note=data["note"],
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            if request.htmx:
                row = today_row(observation=observation)
                return render(
                    request, "monitoring/followups/_rows.html", _row_context(request, row)
                )
            return redirect("monitoring:today")
    row = today_row(observation=observation)
    template = (
        "monitoring/followups/_rows.html" if request.htmx else "monitoring/followups/record.html"
    )
    return render(request, template, _row_context(request, row, form))


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field_name = name if name in form.fields else None
            for error in errors:
                form.add_error(field_name, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@login_required
def selfreport_qr(request: HttpRequest, public_id) -> HttpResponse:
    """GET: a button; POST: issue a fresh link (the old one stops working), show it and its QR."""
    observation = observation_get(user=request.user, public_id=public_id)
    if not can_record_followup(request.user, observation):
        raise Http404
    context: dict = {"observation": observation}
    if request.method == "POST":
        try:
            token = selfreport_token_issue(actor=request.user, observation=observation)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
        else:
            link = request.build_absolute_uri(reverse("selfreport:page", args=[token]))
            svg = segno.make(link, error="m").svg_inline(scale=5, border=2)
            context.update(link=link, qr_svg=mark_safe(svg))  # noqa: S308 - segno's own SVG
    template = "monitoring/followups/_qr.html"
    if not request.htmx:
        template = "monitoring/followups/qr.html"
    return render(request, template, context)
