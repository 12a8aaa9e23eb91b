"""Venue kind pages (county command): the list of kinds and the form for one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.campaigns.forms.common import form_errors
from bastion.campaigns.forms.venues import VenueKindForm
from bastion.campaigns.selectors.venues import venue_kind_get, venue_kinds
from bastion.campaigns.services.venues import may_edit_kinds, venue_kind_save
from bastion.campaigns.views.common import require_perm


@login_required
def venue_kind_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.CAMPAIGN_VIEW)
    return render(
        request,
        "campaigns/venues/kinds.html",
        {"kinds": venue_kinds(), "can_edit": may_edit_kinds(request.user)},
    )


@login_required
def venue_kind_edit(request: HttpRequest, public_id=None) -> HttpResponse:
    if not may_edit_kinds(request.user):
        raise PermissionDenied
    kind = venue_kind_get(public_id=public_id) if public_id else None
    initial = {}
    if kind is not None:
        initial = {
            "name_zh": kind.name_zh,
            "name_en": kind.name_en,
            "checklist": "\n".join(kind.checklist),
            "order": kind.order,
            "active": kind.active,
        }
    form = VenueKindForm(request.POST or None, initial=initial, editing=kind is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            venue_kind_save(
                actor=request.user,
                kind=kind,
                code=data.get("code", ""),
                name_zh=data["name_zh"],
                name_en=data["name_en"],
                checklist=data["checklist"],
                order=data["order"],
                active=data["active"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("场所类型已保存"))
            return redirect("campaigns:venue_kinds")
    return render(
        request,
        "campaigns/venues/kind_form.html",
        {"form": form, "kind": kind},
        status=422 if form.errors else 200,
    )
