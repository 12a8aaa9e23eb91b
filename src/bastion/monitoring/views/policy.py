"""County command's configuration pages: policies, team templates, risk areas."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.monitoring import forms_observations as forms
from bastion.monitoring.models import Policy, RiskArea, TeamTemplate
from bastion.monitoring.services import policy as services
from bastion.monitoring.views.observations import form_errors


def _require(user) -> None:
    if not has_perm(user, Perm.POLICY_MANAGE):
        raise Http404


def _get(model, public_id):
    try:
        return model.objects.get(public_id=public_id)
    except (model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def _config_form(request: HttpRequest, form, *, title: str, save, done: str = "") -> HttpResponse:
    """Validate `form`, call `save(cleaned_data)`, redirect to the configuration page
    or re-render the form with the service's errors (422)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(dict(form.cleaned_data))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, done or _("已保存"))
            return redirect("monitoring:config")
    return render(
        request,
        "monitoring/observations/config_form.html",
        {"form": form, "title": title},
        status=422 if form.errors else 200,
    )


@login_required
def config_home(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    return render(
        request,
        "monitoring/observations/config.html",
        {
            "policies": Policy.objects.select_related("team_template").order_by("category"),
            "templates": TeamTemplate.objects.prefetch_related("roles").order_by("name"),
            "areas": RiskArea.objects.order_by("-risky_from", "name"),
        },
    )


def _policy_initial(policy: Policy) -> dict:
    return {
        "category": policy.category,
        "name_zh": policy.name_zh,
        "name_en": policy.name_en,
        "observation_days": policy.observation_days,
        "clock_start": policy.clock_start,
        "followups_per_day": policy.followups_per_day,
        "fever_threshold": policy.fever_threshold,
        "cutoff_hour": policy.cutoff_hour,
        "retention_days": policy.retention_days,
        "escalation_hours": ",".join(str(h) for h in policy.escalation_hours),
        "team_template": policy.team_template,
        "active": policy.active,
    }


@login_required
def policy_edit(request: HttpRequest, public_id=None) -> HttpResponse:
    _require(request.user)
    policy = _get(Policy, public_id) if public_id else None
    initial = _policy_initial(policy) if policy else {"observation_days": 14, "followups_per_day": 1,
               "fever_threshold": "37.3", "cutoff_hour": 20, "retention_days": 30,
               "escalation_hours": "2,4,8,24", "active": True}  # fmt: skip
    form = forms.PolicyForm(request.POST or None, initial=initial)
    if policy:
        form.fields["category"].disabled = True

    def save(data: dict) -> None:
        if policy:
            data.pop("category")
            services.policy_update(actor=request.user, policy=policy, changes=data)
        else:
            services.policy_create(actor=request.user, **data)

    return _config_form(request, form, title=policy.name_zh if policy else _("新建类别"), save=save)


def _seat_lines(template: TeamTemplate) -> str:
    return "\n".join(
        ",".join([r.code, r.label_zh, r.label_en] + (["*"] if r.confirms_release else []))
        for r in template.roles.order_by("order", "id")
    )


def _parse_seats(text: str) -> list[services.SeatSpec]:
    seats = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if not any(parts):
            continue
        confirms = "*" in parts
        parts = [p for p in parts if p != "*"]
        parts += [""] * (3 - len(parts))
        seats.append(services.SeatSpec(parts[0], parts[1], parts[2], confirms))
    return seats


@login_required
def template_edit(request: HttpRequest, public_id=None) -> HttpResponse:
    _require(request.user)
    template = _get(TeamTemplate, public_id) if public_id else None
    initial = {"name": template.name, "seats": _seat_lines(template)} if template else {}
    form = forms.TemplateForm(request.POST or None, initial=initial)

    def save(data: dict) -> None:
        seats = _parse_seats(data["seats"])
        if template:
            services.team_template_update(
                actor=request.user, template=template, name=data["name"], seats=seats
            )
        else:
            services.team_template_create(actor=request.user, name=data["name"], seats=seats)

    return _config_form(
        request, form, title=template.name if template else _("新建责任组模板"), save=save
    )


@login_required
def risk_area_edit(request: HttpRequest, public_id=None) -> HttpResponse:
    _require(request.user)
    area = _get(RiskArea, public_id) if public_id else None
    initial = (
        {
            "name": area.name,
            "code": area.code,
            "risky_from": area.risky_from,
            "risky_until": area.risky_until,
        }
        if area
        else {}
    )
    form = forms.RiskAreaForm(request.POST or None, initial=initial)

    def save(data: dict) -> None:
        if area:
            services.risk_area_update(actor=request.user, area=area, changes=data)
        else:
            services.risk_area_create(actor=request.user, **data)

    return _config_form(
        request,
        form,
        title=area.name if area else _("新增风险地区"),
        save=save,
        done=_("已保存，已通知相关网格员排查"),
    )
