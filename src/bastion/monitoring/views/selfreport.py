"""The person's own self-report page (/r/<token>/): no login, nothing but their own data.

A wrong, replaced or expired token gets a plain 404 page; requests are rate limited per
client address and submissions per token, answering 429 beyond that. The counters are
shared by every worker process (core.ratelimit: the database, or Redis).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bastion.core.audit import client_ip
from bastion.core.masking import mask_name
from bastion.core.ratelimit import rate_limit_hit
from bastion.monitoring import schedule
from bastion.monitoring.models import FollowUpSource, ServiceKind, Symptom
from bastion.monitoring.selectors.followups import followup_history
from bastion.monitoring.services.followups import followup_record
from bastion.monitoring.services.selfreport import selfreport_observation, selfreport_token_hash

SERVICE_KINDS = (ServiceKind.GROCERIES, ServiceKind.MEDICINE, ServiceKind.DOCTOR)


def _limits() -> tuple[int, int]:
    per_token = getattr(settings, "BASTION_SELFREPORT_SUBMISSIONS_PER_HOUR", 10)
    per_ip = getattr(settings, "BASTION_SELFREPORT_REQUESTS_PER_MINUTE", 60)
    return per_token, per_ip


class SelfReportForm(forms.Form):
    temperature = forms.CharField(
        label=gettext_lazy("体温（℃）"),
        max_length=5,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "placeholder": "36.5", "autocomplete": "off"}
        ),
    )
    symptoms = forms.MultipleChoiceField(
        label=gettext_lazy("有以下症状吗？（可多选）"),
        required=False,
        choices=Symptom.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    other_symptom = forms.CharField(label=gettext_lazy("其他症状"), required=False, max_length=200)
    at_home = forms.ChoiceField(
        label=gettext_lazy("现在在家吗？"),
        choices=[("yes", gettext_lazy("在家")), ("no", gettext_lazy("不在家"))],
        initial="yes",
        widget=forms.RadioSelect,
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/selfreport/invalid.html", status=404)


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "monitoring/selfreport/limited.html", status=429)
    response["Retry-After"] = "60"
    return response


def _gate(request: HttpRequest, token: str, *, submission: bool):
    """(observation, None) when the request may go on, else (None, error response)."""
    per_token, per_ip = _limits()
    ip = client_ip(request) or "unknown"
    if rate_limit_hit("selfreport_ip", ip, limit=per_ip, window_seconds=60):
        return None, _too_many(request)
    observation = selfreport_observation(token)
    if observation is None:
        return None, _not_found(request)
    if submission:
        key = selfreport_token_hash(token)
        if rate_limit_hit("selfreport_token", key, limit=per_token, window_seconds=3600):
            return None, _too_many(request)
    return observation, None


def _render_page(
    request, observation, form, *, status=200, notice="", service_error=""
) -> HttpResponse:
    today = schedule.local_today()
    total = observation.observation_days + observation.extra_days
    response = render(
        request,
        "monitoring/selfreport/page.html",
        {
            "name_masked": mask_name(observation.person.name),
            "day": max(1, min(schedule.day_number(observation, today), total)),
            "total_days": total,
            "form": form,
            "history": followup_history(observation=observation, limit=30),
            "service_kinds": [(k.value, k.label) for k in SERVICE_KINDS],
            "notice": notice,
            "service_error": service_error,
        },
        status=status,
    )
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


_NOTICES = {
    "ok": gettext_lazy("已提交，谢谢！"),
    "service": gettext_lazy("服务请求已提交，工作人员会尽快联系您。"),
}


@never_cache
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, token: str) -> HttpResponse:
    """The person's form and own history; a POST records a self-report."""
    observation, error = _gate(request, token, submission=request.method == "POST")
    if error is not None:
        return error
    if request.method != "POST":
        notice = _NOTICES.get(request.GET.get("done", ""), "")
        return _render_page(request, observation, SelfReportForm(), notice=notice)
    form = SelfReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            followup_record(
                actor=None,
                source=FollowUpSource.SELF,
                observation=observation,
                observed_at=timezone.now(),
                temperature=data["temperature"],
                symptoms=data["symptoms"],
                other_symptom=data["other_symptom"],
                at_home=data["at_home"] == "yes",
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            messages = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for name, errors in messages.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            return redirect(f"{request.path}?done=ok")
    return _render_page(request, observation, form, status=200)


@never_cache
@require_POST
def service(request: HttpRequest, token: str) -> HttpResponse:
    """Ask the team for groceries, medicine or a doctor's visit."""
    observation, error = _gate(request, token, submission=True)
    if error is not None:
        return error
    kind = request.POST.get("kind", "")
    if kind not in {k.value for k in SERVICE_KINDS}:
        error = _("服务类型：请选择代购生活物资、代购药品或医生上门")
        return _render_page(request, observation, SelfReportForm(), service_error=error)
    from bastion.monitoring.services.homeservice import service_request_create

    service_request_create(
        actor=None,
        observation=observation,
        kind=kind,
        detail=(request.POST.get("detail", "") or "")[:500],
        from_self_report=True,
    )
    page_path = request.path.rsplit("service/", 1)[0]
    return redirect(f"{page_path}?done=service")
