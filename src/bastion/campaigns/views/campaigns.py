"""Campaign pages: list, create and edit, coverage (figures, map, drill-down), rounds,
close, and the Excel exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.campaigns.forms.campaigns import CampaignForm
from bastion.campaigns.forms.common import form_errors
from bastion.campaigns.models import Outcome
from bastion.campaigns.selectors.campaigns import (
    STATUS_FILTERS,
    area_choices,
    campaign_areas,
    campaign_can_manage,
    campaign_get,
    campaign_list,
    campaign_region,
    campaign_status,
    focus_path,
    household_rows,
)
from bastion.campaigns.selectors.coverage import coverage, map_payload
from bastion.campaigns.selectors.venues import venue_list
from bastion.campaigns.services.campaigns import (
    campaign_close,
    campaign_create,
    campaign_round_open,
    campaign_update,
)
from bastion.campaigns.services.venues import may_edit_kinds
from bastion.campaigns.views.common import page_of, posted, require_perm, run_action
from bastion.geo.models import Level, Region
from bastion.geo.selectors import region_ancestors

STATUS_LABELS = {
    "planned": gettext_lazy("未开始"),
    "running": gettext_lazy("进行中"),
    "ended": gettext_lazy("已到期"),
    "closed": gettext_lazy("已结束"),
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The campaigns the user sees (running first) and the way to venues and materials."""
    user = request.user
    require_perm(user, Perm.CAMPAIGN_VIEW)
    campaigns = (
        campaign_list(user=user)
        .select_related("household_tag")
        .prefetch_related("areas__region")
        .order_by(F("closed_at").asc(nulls_first=True), "-starts_on", "-id")
    )
    page = page_of(request, campaigns)
    today = timezone.localdate()
    rows = []
    for c in page:
        status = campaign_status(c, today=today)
        rows.append((c, status, STATUS_LABELS[status]))
    return render(
        request,
        "campaigns/home.html",
        {
            "page": page,
            "rows": rows,
            "can_create": has_perm(user, Perm.CAMPAIGN_MANAGE),
            "can_trace": has_perm(user, Perm.CONTACT_TRACE),
            "can_edit_kinds": may_edit_kinds(user),
            "open_venues": venue_list(user=user, status="overdue").count(),
        },
    )


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.CAMPAIGN_MANAGE)
    regions = area_choices(user=user)
    form = CampaignForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_create(
                actor=user,
                name=data["name"],
                kind=data["kind"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                regions=data["regions"],
                household_tag=data["household_tag"],
                instructions=data["instructions"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("regions", str(exc) or _("不在您可管理的范围内"))
        else:
            messages.success(request, _("排查行动已创建"))
            return redirect("campaigns:campaign", campaign.public_id)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "campaign": None},
        status=422 if form.errors else 200,
    )


def _managed(request, public_id):
    campaign = campaign_get(user=request.user, public_id=public_id)
    if not campaign_can_manage(request.user, campaign):
        raise PermissionDenied
    return campaign


@login_required
def campaign_edit(request: HttpRequest, public_id) -> HttpResponse:
    campaign = _managed(request, public_id)
    initial = {
        "name": campaign.name,
        "ends_on": campaign.ends_on,
        "instructions": campaign.instructions,
    }
    form = CampaignForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign_update(
                actor=request.user,
                campaign=campaign,
                name=data["name"],
                ends_on=data["ends_on"],
                instructions=data["instructions"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("campaigns:campaign", campaign.public_id)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "campaign": campaign},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def campaign_round_view(request: HttpRequest, public_id) -> HttpResponse:
    campaign = _managed(request, public_id)
    run_action(
        request,
        lambda: campaign_round_open(
            actor=request.user, campaign=campaign, note=posted(request, "note")
        ),
        _("新一轮已开始，所有住户重新计为待走访"),
    )
    return redirect("campaigns:campaign", campaign.public_id)


@login_required
@require_POST
def campaign_close_view(request: HttpRequest, public_id) -> HttpResponse:
    campaign = _managed(request, public_id)
    campaign_close(actor=request.user, campaign=campaign, note=posted(request, "note"))
    messages.success(request, _("排查行动已结束"))
    return redirect("campaigns:campaign", campaign.public_id)


def _round(request, campaign) -> int:
    try:
        number = int(request.GET.get("round") or campaign.current_round)
    except ValueError:
        number = campaign.current_round
    return number if 1 <= number <= campaign.current_round else campaign.current_round


def _trail(user, campaign, region: Region) -> list[Region]:
    """Breadcrumb from the user's focus region down to `region`."""
    top = focus_path(user=user, campaign=campaign)
    return [r for r in region_ancestors(region) if r.path.startswith(top)]


@login_required
def campaign_detail(request: HttpRequest, public_id) -> HttpResponse:
    """Coverage of the campaign for a region (?region=code, default the user's focus):
    figures, the grid map, a row per child region, households at a grid."""
    user = request.user
    campaign = campaign_get(user=user, public_id=public_id)
    region = campaign_region(user=user, campaign=campaign, code=request.GET.get("region"))
    round_number = _round(request, campaign)
    result = coverage(user=user, campaign=campaign, region=region, round_number=round_number)
    status = request.GET.get("status", "")
    households = None
    if region.level == Level.GRID and round_number == campaign.current_round:
        rows = household_rows(
            user=user,
            campaign=campaign,
            within=region.path,
            status=status if status in STATUS_FILTERS else "",
        )
        households = page_of(request, rows)
        for row in households:
            row.state_label = Outcome(row.state_outcome).label if row.state_outcome else ""
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "areas": campaign_areas(campaign),
            "status": campaign_status(campaign),
            "status_label": STATUS_LABELS[campaign_status(campaign)],
            "region": region,
            "trail": _trail(user, campaign, region),
            "result": result,
            "round_number": round_number,
            "rounds": range(campaign.current_round, 0, -1),
            "households": households,
            "status_filter": status,
            "outcomes": Outcome.choices,
            "can_manage": campaign_can_manage(user, campaign),
            "can_visit": has_perm(user, Perm.VISIT_RECORD) and campaign.closed_at is None,
            "can_export_visits": has_perm(user, Perm.EXPORT_PII),
            "map_url": reverse("campaigns:coverage_map", args=[campaign.public_id])
            + f"?region={region.code}&round={round_number}",
        },
    )


@login_required
def coverage_map(request: HttpRequest, public_id) -> JsonResponse:
    """The grid map's data (static/bastion/gridmap.js) for the region, scoped like the page."""
    user = request.user
    campaign = campaign_get(user=user, public_id=public_id)
    region = campaign_region(user=user, campaign=campaign, code=request.GET.get("region"))
    result = coverage(
        user=user,
        campaign=campaign,
        region=region,
        round_number=_round(request, campaign),
        with_children=False,
    )
    base = reverse("campaigns:campaign", args=[campaign.public_id])
    payload = map_payload(
        coverage_result=result,
        link=lambda grid: f"{base}?region={grid.code}",
        empty_label=_("暂无网格边界"),
        value_label=_("覆盖率"),
    )
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
