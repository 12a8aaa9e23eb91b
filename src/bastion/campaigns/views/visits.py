"""The grid worker's pages: the next household, the visit form (one household after
another on a phone), a visit's page with its correction, the revisit list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.campaigns.forms.campaigns import OUTCOME_HELP, CorrectionForm, VisitForm
from bastion.campaigns.forms.common import form_errors
from bastion.campaigns.models import FindingKind, MaterialKind, Outcome
from bastion.campaigns.selectors.campaigns import (
    campaign_get,
    campaign_region,
    household_for_visit,
    household_visits,
    next_household,
    revisit_rows,
    visit_get,
    visit_state,
)
from bastion.campaigns.selectors.materials import handout_materials
from bastion.campaigns.services import links
from bastion.campaigns.services.visits import visit_correct, visit_incident_retry, visit_record
from bastion.campaigns.views.common import page_of, report_retry, warn_all
from bastion.core.uploads import upload_response
from bastion.people.selectors import person_list

HANDOUT_KINDS = (MaterialKind.PROPOSAL, MaterialKind.NOTICE, MaterialKind.LEAFLET)


def _within(request, campaign) -> str:
    return campaign_region(
        user=request.user, campaign=campaign, code=request.GET.get("region")
    ).path


@login_required
def visit_next(request: HttpRequest, public_id) -> HttpResponse:
    """Go to the next household the user should knock at (?region= narrows, ?after=
    skips past a household); an "all done" page when there is none."""
    user = request.user
    campaign = campaign_get(user=user, public_id=public_id)
    within = _within(request, campaign)
    after = None
    if request.GET.get("after"):
        try:
            after = household_for_visit(
                user=user, campaign=campaign, public_id=request.GET["after"]
            )
        except Http404:
            after = None
    household = next_household(user=user, campaign=campaign, within=within, after=after)
    if household is None and after is not None:
        household = next_household(user=user, campaign=campaign, within=within)
    if household is None:
        return render(
            request,
            "campaigns/visit_done.html",
            {
                "campaign": campaign,
                "revisits": revisit_rows(user=user, campaign=campaign, within=within).count(),
            },
        )
    url = reverse("campaigns:household_visit", args=[campaign.public_id, household.public_id])
    if request.GET.get("region"):
        url += "?" + urlencode({"region": request.GET["region"]})
    return redirect(url)


@login_required
def household_visit(request: HttpRequest, public_id, household_id) -> HttpResponse:
    """The visit form for one household, its members and its visits so far."""
    user = request.user
    campaign = campaign_get(user=user, public_id=public_id)
    household = household_for_visit(user=user, campaign=campaign, public_id=household_id)
    members = list(person_list(user=user, household=household).order_by("name", "id"))
    materials = handout_materials(campaign=campaign, household=household, kinds=HANDOUT_KINDS)
    state = visit_state(campaign=campaign, household=household)
    settled = state is not None and state.outcome != Outcome.NOBODY_HOME
    form = VisitForm(
        request.POST or None, request.FILES or None, members=members, materials=materials
    )
    if request.method == "POST" and form.is_valid():
        result = _record(request, form, campaign, household)
        if result is not None:
            return _after_visit(request, campaign, household, result)
    return render(
        request,
        "campaigns/visit_form.html",
        {
            "campaign": campaign,
            "household": household,
            "members": members,
            "state": state,
            "settled": settled,
            "form": form,
            "outcome_help": OUTCOME_HELP,
            "history": list(household_visits(campaign=campaign, household=household)[:10]),
            "region_code": request.GET.get("region", ""),
        },
        status=422 if form.errors else 200,
    )


def _record(request, form, campaign, household):
    data = form.cleaned_data
    try:
        return visit_record(
            actor=request.user,
            campaign=campaign,
            household=household,
            outcome=data["outcome"],
            people_present=data["people_present"] or 0,
            findings=form.finding_inputs(),
            materials=form.material_inputs(),
            note=data["note"],
            photo=data.get("photo"),
            visited_at=data.get("visited_at"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            entry_key=data["entry_key"],
        )
    except ValidationError as exc:
        form_errors(form, exc)
    return None


def _after_visit(request, campaign, household, result) -> HttpResponse:
    visit = result.visit
    if not result.created:
        messages.info(request, _("这户已保存过，重复提交已忽略"))
    else:
        messages.success(
            request,
            _("已保存：%(household)s，%(outcome)s")
            % {"household": household.label, "outcome": visit.get_outcome_display()},
        )
    warn_all(request, result.warnings)
    if visit.findings.exists() or "stay" in request.POST:
        return redirect("campaigns:visit", visit.public_id)
    url = reverse("campaigns:visit_next", args=[campaign.public_id])
    params = {"after": str(household.public_id)}
    if request.GET.get("region"):
        params["region"] = request.GET["region"]
    return redirect(f"{url}?{urlencode(params)}")


@login_required
def visit_detail(request: HttpRequest, public_id) -> HttpResponse:
    visit = visit_get(user=request.user, public_id=public_id)
    return _detail(request, visit)


def _detail(request, visit, *, correction_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    findings = list(visit.findings.select_related("person"))
    state = visit_state(campaign=visit.campaign, household=visit.household)
    is_latest = state is not None and state.visit_id == visit.pk
    may_correct = (
        is_latest
        and visit.campaign.closed_at is None
        and (visit.recorded_by_id == user.pk or can_on_path(user, Perm.CAMPAIGN_MANAGE, visit.path))
    )
    returnees = [
        (
            f,
            links.observation_register_link(
                person=f.person, origin=f.origin, arrived_on=f.arrived_on
            ),
        )
        for f in findings
        if f.kind == FindingKind.RISK_ARRIVAL
    ]
    sick = [f for f in findings if f.kind == FindingKind.SYMPTOMS]
    incident_ref = next((f.incident_ref for f in sick if f.incident_ref), "")
    return render(
        request,
        "campaigns/visit_detail.html",
        {
            "visit": visit,
            "campaign": visit.campaign,
            "household": visit.household,
            "findings": findings,
            "returnees": returnees,
            "sick": sick,
            "incident_ref": incident_ref,
            "incident_link": links.incident_link(incident_ref),
            "materials": list(visit.materials.select_related("material")),
            "is_latest": is_latest,
            "may_correct": may_correct,
            "correction_form": correction_form
            or CorrectionForm(initial={"people_present": visit.people_present}),
            "correction": getattr(visit, "correction", None) if not is_latest else None,
        },
        status=status,
    )


@login_required
@require_POST
def visit_correct_view(request: HttpRequest, public_id) -> HttpResponse:
    visit = visit_get(user=request.user, public_id=public_id)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            fixed = visit_correct(
                actor=request.user,
                visit=visit,
                outcome=data["outcome"],
                people_present=data["people_present"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已更正"))
            return redirect("campaigns:visit", fixed.public_id)
    return _detail(request, visit, correction_form=form, status=422)


@login_required
@require_POST
def visit_incident_view(request: HttpRequest, public_id) -> HttpResponse:
    visit = visit_get(user=request.user, public_id=public_id)
    report_retry(request, lambda: visit_incident_retry(actor=request.user, visit=visit))
    return redirect("campaigns:visit", visit.public_id)


@login_required
def visit_photo(request: HttpRequest, public_id) -> HttpResponse:
    visit = visit_get(user=request.user, public_id=public_id)
    if visit.photo is None:
        raise Http404
    return upload_response(visit.photo)


@login_required
def revisit_list(request: HttpRequest, public_id) -> HttpResponse:
    """Households whose last knock this round found nobody home."""
    user = request.user
    campaign = campaign_get(user=user, public_id=public_id)
    region = campaign_region(user=user, campaign=campaign, code=request.GET.get("region"))
    rows = revisit_rows(user=user, campaign=campaign, within=region.path)
    return render(
        request,
        "campaigns/revisit.html",
        {"campaign": campaign, "region": region, "page": page_of(request, rows)},
    )
