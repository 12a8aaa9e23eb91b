"""Publicity pages: materials and their totals, the distribution ledger, partner
property companies and the places they posted at."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, has_perm, restrict_by_path
from bastion.campaigns.forms.common import form_errors
from bastion.campaigns.forms.materials import CompanyForm, DistributionForm, MaterialForm
from bastion.campaigns.forms.venues import ReasonForm
from bastion.campaigns.selectors.campaigns import campaign_list
from bastion.campaigns.selectors.materials import (
    company_get,
    company_list,
    distribution_get,
    distribution_list,
    material_get,
    material_list,
)
from bastion.campaigns.services.materials import (
    company_save,
    distribution_record,
    distribution_void,
    material_create,
)
from bastion.campaigns.views.common import page_of, posted, require_perm, run_action
from bastion.geo.models import Region


def _regions(user, perm: str):
    return list(
        restrict_by_path(Region.objects.all(), user, perm)
        .order_by("path")
        .only("code", "name", "path", "depth", "level")[:2000]
    )


@login_required
def material_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.CAMPAIGN_VIEW)
    materials = material_list(user=user).order_by("-created_at", "-id")
    return render(
        request,
        "campaigns/materials/list.html",
        {
            "page": page_of(request, materials),
            "companies": company_list(user=user).count(),
            "can_create": has_perm(user, Perm.CAMPAIGN_MANAGE),
            "can_record": has_perm(user, Perm.VISIT_RECORD),
        },
    )


@login_required
def material_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.CAMPAIGN_MANAGE)
    form = MaterialForm(
        request.POST or None,
        regions=_regions(user, Perm.CAMPAIGN_MANAGE),
        campaigns=list(campaign_list(user=user, perm=Perm.CAMPAIGN_MANAGE)[:100]),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            material = material_create(
                actor=user,
                name=data["name"],
                kind=data["kind"],
                region=data["region"],
                campaign=data["campaign"],
                note=data["note"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("资料已登记"))
            return redirect("campaigns:material", material.public_id)
    return render(
        request,
        "campaigns/materials/form.html",
        {"form": form, "title": _("登记宣传资料")},
        status=422 if form.errors else 200,
    )


@login_required
def material_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    material = material_get(user=user, public_id=public_id)
    entries = distribution_list(user=user, material=material)
    return render(
        request,
        "campaigns/materials/detail.html",
        {
            "material": material,
            "page": page_of(request, entries),
            "can_record": has_perm(user, Perm.VISIT_RECORD),
            "reason_form": ReasonForm(),
        },
    )


@login_required
def distribution_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.VISIT_RECORD)
    materials = list(material_list(user=user).order_by("name")[:200])
    form = DistributionForm(
        request.POST or None,
        initial={
            "material": request.GET.get("material", ""),
            "action": "handed_out",
            "distributed_on": timezone.localdate(),
        },
        materials=materials,
        regions=_regions(user, Perm.VISIT_RECORD),
        companies=list(company_list(user=user).order_by("name")[:500]),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = distribution_record(
                actor=user,
                material=data["material"],
                action=data["action"],
                quantity=data["quantity"],
                region=data["region"],
                distributed_on=data["distributed_on"],
                place=data["place"],
                company=data["company"],
                note=data["note"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("region", str(exc))
        else:
            messages.success(request, _("已登记"))
            return redirect("campaigns:material", entry.material.public_id)
    return render(
        request,
        "campaigns/materials/form.html",
        {"form": form, "title": _("登记发放或张贴")},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def distribution_void_view(request: HttpRequest, public_id) -> HttpResponse:
    entry = distribution_get(user=request.user, public_id=public_id)
    run_action(
        request,
        lambda: distribution_void(actor=request.user, entry=entry, reason=posted(request)),
        _("已作废，数量已冲减"),
    )
    return redirect("campaigns:material", entry.material.public_id)


@login_required
def company_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.CAMPAIGN_VIEW)
    q = (request.GET.get("q") or "").strip()[:50]
    return render(
        request,
        "campaigns/materials/companies.html",
        {
            "page": page_of(request, company_list(user=user, q=q).order_by("path", "name")),
            "q": q,
            "can_create": has_perm(user, Perm.CAMPAIGN_MANAGE),
        },
    )


@login_required
def company_edit(request: HttpRequest, public_id=None) -> HttpResponse:
    user = request.user
    company = company_get(user=user, public_id=public_id) if public_id else None
    if company is None:
        require_perm(user, Perm.CAMPAIGN_MANAGE)
    elif not can_on_path(user, Perm.CAMPAIGN_MANAGE, company.path):
        raise PermissionDenied
    initial = {}
    if company is not None:
        initial = {"name": company.name, "contact_name": company.contact_name, "note": company.note}
    form = CompanyForm(
        request.POST or None,
        initial=initial,
        regions=_regions(user, Perm.CAMPAIGN_MANAGE),
        editing=company is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            company = company_save(
                actor=user,
                company=company,
                name=data["name"],
                region=data.get("region"),
                contact_name=data["contact_name"],
                contact_phone=(data["contact_phone"] or None) if company else data["contact_phone"],
                note=data["note"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存"))
            return redirect("campaigns:company", company.public_id)
    return render(
        request,
        "campaigns/materials/form.html",
        {"form": form, "title": _("物业公司") if company else _("登记物业公司")},
        status=422 if form.errors else 200,
    )


@login_required
def company_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    company = company_get(user=user, public_id=public_id)
    return render(
        request,
        "campaigns/materials/company.html",
        {
            "company": company,
            "page": page_of(request, distribution_list(user=user, company=company)),
            "can_edit": can_on_path(user, Perm.CAMPAIGN_MANAGE, company.path),
        },
    )
