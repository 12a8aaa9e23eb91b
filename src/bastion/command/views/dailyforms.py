"""Daily form pages: the forms, the county command's configuration, a unit's filing page
(mobile-first) and the status page (who has not filed, the rolled-up totals)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import region_paths, restrict_regions
from bastion.command.forms import DailyFieldForm, DailyFormForm, apply_errors, fill_form_class
from bastion.command.models import DailyReport
from bastion.command.selectors import dailyforms as select
from bastion.command.selectors.units import county_region
from bastion.command.services import dailyforms as service
from bastion.command.services.common import is_county_command
from bastion.command.views.common import act, param, parse_day, require_any
from bastion.geo.models import Level, Region

UNITS_PER_PAGE = 50


@login_required
def daily_list(request: HttpRequest) -> HttpResponse:
    require_any(request.user, Perm.COMMAND_VIEW, Perm.DAILY_FORM)
    county = is_county_command(request.user)
    forms = list(select.daily_form_list(user=request.user, include_inactive=county))
    today = timezone.localdate()
    for form in forms:
        mine = list(select.units_to_file(user=request.user, form=form)[:200])
        filed = set(
            DailyReport.objects.filter(form=form, local_date=today, region__in=mine).values_list(
                "region_id", flat=True
            )
        )
        form.my_units = len(mine)
        form.my_missing = [u for u in mine if u.pk not in filed]
        form.deadline_today = service.deadline_of(form, today)
    return render(
        request,
        "command/daily/list.html",
        {"forms": forms, "can_configure": county, "now": timezone.now()},
    )


@login_required
def daily_new(request: HttpRequest) -> HttpResponse:
    if not is_county_command(request.user):
        raise PermissionDenied
    form = DailyFormForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = service.daily_form_create(
                actor=request.user,
                region=county_region(request.user),
                name=data["name"],
                description=data["description"],
                levels=data["levels"],
                deadline_hour=data["deadline_hour"],
                fields=data["fields_text"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("日报已设置"))
            return redirect("command:daily_detail", public_id=created.public_id)
    return render(request, "command/daily/form.html", {"form": form, "title": _("新建日报")})


@login_required
def daily_edit(request: HttpRequest, public_id) -> HttpResponse:
    daily = select.daily_form_get(user=request.user, public_id=public_id)
    if not is_county_command(request.user):
        raise PermissionDenied
    initial = {
        "name": daily.name,
        "description": daily.description,
        "levels": daily.levels,
        "deadline_hour": daily.deadline_hour,
        "active": daily.active,
    }
    form = DailyFormForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            service.daily_form_update(actor=request.user, form=daily, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("command:daily_detail", public_id=daily.public_id)
    return render(
        request, "command/daily/form.html", {"form": form, "title": _("修改日报"), "daily": daily}
    )


@login_required
def daily_detail(request: HttpRequest, public_id) -> HttpResponse:
    daily = select.daily_form_get(user=request.user, public_id=public_id)
    day = parse_day(request.GET.get("day"))
    code = param(request, "region", 15)
    within = None
    if code:
        try:
            within = restrict_regions(Region.objects.all(), request.user, Perm.COMMAND_VIEW).get(
                code=code
            )
        except Region.DoesNotExist as exc:
            raise Http404 from exc
    else:
        paths = region_paths(request.user, Perm.COMMAND_VIEW)
        top = daily.path if paths is None else None
        if top is None and paths:
            top = max([daily.path, *(p for p in paths if p.startswith(daily.path))], key=len)
        within = Region.objects.filter(path=top).first() if top else None
    status = select.form_status(user=request.user, form=daily, day=day, within=within)
    fields = list(daily.fields.all())
    show = "all" if request.GET.get("show") == "all" else "missing"
    rows = status.rows if show == "all" else status.missing
    page = Paginator(rows, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "command/daily/detail.html",
        {
            "daily": daily,
            "status": status,
            "page": page,
            "show": show,
            "day": day,
            "within": within,
            "fields": fields,
            "int_fields": [f for f in fields if f.kind == "integer"],
            "levels": "、".join(str(Level(level).label) for level in daily.levels),
            "can_configure": is_county_command(request.user),
            "field_form": DailyFieldForm(),
            "can_fill": select.units_to_file(user=request.user, form=daily).exists(),
        },
    )


@login_required
@require_POST
def daily_field_add(request: HttpRequest, public_id) -> HttpResponse:
    daily = select.daily_form_get(user=request.user, public_id=public_id)
    if not is_county_command(request.user):
        raise PermissionDenied
    form = DailyFieldForm(request.POST)
    link = reverse("command:daily_detail", args=[daily.public_id])
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect(link)
    return act(
        request,
        lambda: service.daily_form_field_add(actor=request.user, form=daily, **form.cleaned_data),
        _("已添加填报项"),
        link,
    )


@login_required
@require_POST
def daily_field_toggle(request: HttpRequest, public_id, code: str) -> HttpResponse:
    daily = select.daily_form_get(user=request.user, public_id=public_id)
    if not is_county_command(request.user):
        raise PermissionDenied
    field = daily.fields.filter(code=code).first()
    if field is None:
        raise Http404
    return act(
        request,
        lambda: service.daily_form_field_set_active(
            actor=request.user, field=field, active=not field.active
        ),
        _("已停用该填报项") if field.active else _("已启用该填报项"),
        reverse("command:daily_detail", args=[daily.public_id]),
    )


@login_required
def daily_fill(request: HttpRequest, public_id) -> HttpResponse:
    """A unit files today's form (or corrects it the same day)."""
    daily = select.daily_form_get(user=request.user, public_id=public_id)
    require_any(request.user, Perm.DAILY_FORM)
    units = select.units_to_file(user=request.user, form=daily)
    code = param(request, "unit", 15)
    unit = units.filter(code=code).first() if code else None
    if code and unit is None:
        raise Http404
    if unit is None:
        choices = list(units[:500])
        if len(choices) == 1:
            unit = choices[0]
        else:
            today = timezone.localdate()
            filed = set(
                DailyReport.objects.filter(
                    form=daily, local_date=today, region__in=choices
                ).values_list("region_id", flat=True)
            )
            return render(
                request,
                "command/daily/pick.html",
                {"daily": daily, "units": choices, "filed": filed},
            )
    today = timezone.localdate()
    existing = DailyReport.objects.filter(form=daily, region=unit, local_date=today).first()
    fields = list(daily.fields.filter(active=True))
    form_class = fill_form_class(fields)
    form = form_class(request.POST or None, initial=existing.values if existing else None)
    if request.method == "POST" and form.is_valid():
        try:
            service.daily_report_file(
                actor=request.user, form=daily, region=unit, values=form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(unit)s今天的日报已提交") % {"unit": unit.name})
            return redirect(
                f"{reverse('command:daily_fill', args=[daily.public_id])}?unit={unit.code}"
            )
    return render(
        request,
        "command/daily/fill.html",
        {
            "daily": daily,
            "unit": unit,
            "form": form,
            "existing": existing,
            "deadline": service.deadline_of(daily, today),
            "now": timezone.now(),
        },
    )
