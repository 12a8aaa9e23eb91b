"""Commitment letter pages: record one with its scan, show the scan, withdraw it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path
from bastion.campaigns.forms.common import form_errors
from bastion.campaigns.forms.venues import CommitmentForm
from bastion.campaigns.selectors.venues import commitment_get, venue_get
from bastion.campaigns.services.venues import commitment_record, commitment_withdraw
from bastion.campaigns.views.common import posted, run_action
from bastion.core.uploads import upload_response


@login_required
def commitment_new(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    venue = venue_get(user=user, public_id=public_id)
    if not can_on_path(user, Perm.VISIT_RECORD, venue.path):
        raise PermissionDenied
    form = CommitmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment_record(
                actor=user,
                venue=venue,
                signed_by=data["signed_by"],
                signer_role=data["signer_role"],
                signed_on=data["signed_on"],
                scan=data.get("scan"),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("承诺书已登记"))
            return redirect("campaigns:venue", venue.public_id)
    return render(
        request,
        "campaigns/venues/commitment.html",
        {"venue": venue, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def commitment_scan(request: HttpRequest, public_id) -> HttpResponse:
    commitment = commitment_get(user=request.user, public_id=public_id)
    if commitment.scan is None:
        raise Http404
    return upload_response(commitment.scan)


@login_required
@require_POST
def commitment_withdraw_view(request: HttpRequest, public_id) -> HttpResponse:
    commitment = commitment_get(user=request.user, public_id=public_id)
    run_action(
        request,
        lambda: commitment_withdraw(
            actor=request.user, commitment=commitment, reason=posted(request)
        ),
        _("承诺书已作废"),
    )
    return redirect("campaigns:venue", commitment.venue.public_id)
