"""Contact tracing: who checked in at a venue in a time window. Perm.CONTACT_TRACE, a
case reference and a purpose; masked results; a reveal needs PII_REVEAL and a reason."""

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
from bastion.campaigns.forms.venues import RevealForm, TraceForm
from bastion.campaigns.models import CheckIn
from bastion.campaigns.selectors.venues import trace_checkins, trace_get, trace_list, venue_get
from bastion.campaigns.services.checkins import checkin_reveal, trace_request
from bastion.campaigns.views.common import no_store, page_of, require_perm
from bastion.core.audit import client_ip


@login_required
def trace_new(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    venue = venue_get(user=user, public_id=public_id)
    if not can_on_path(user, Perm.CONTACT_TRACE, venue.path):
        raise PermissionDenied
    form = TraceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trace = trace_request(
                actor=user,
                venue=venue,
                window_start=data["window_start"],
                window_end=data["window_end"],
                case_ref=data["case_ref"],
                purpose=data["purpose"],
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("campaigns:trace", trace.public_id)
    return render(
        request,
        "campaigns/traces/new.html",
        {"venue": venue, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def trace_list_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.CONTACT_TRACE)
    return render(
        request,
        "campaigns/traces/list.html",
        {"page": page_of(request, trace_list(user=request.user))},
    )


@login_required
def trace_detail(request: HttpRequest, public_id) -> HttpResponse:
    trace = trace_get(user=request.user, public_id=public_id)
    return render(
        request,
        "campaigns/traces/detail.html",
        {
            "trace": trace,
            "page": page_of(request, trace_checkins(trace), 100),
            "can_reveal": can_on_path(request.user, Perm.PII_REVEAL, trace.path),
        },
    )


@login_required
@require_POST
def trace_reveal(request: HttpRequest, public_id, checkin_id) -> HttpResponse:
    trace = trace_get(user=request.user, public_id=public_id)
    checkin = CheckIn.objects.filter(public_id=checkin_id).first()
    if checkin is None:
        raise Http404
    form = RevealForm(request.POST)
    if not form.is_valid():
        return render(request, "campaigns/_reveal.html", {"error": _("请求有误")}, status=422)
    try:
        value = checkin_reveal(
            actor=request.user,
            trace=trace,
            checkin=checkin,
            field=form.cleaned_data["field"],
            reason=form.cleaned_data["reason"],
            ip_address=client_ip(request),
        )
    except ValidationError as exc:
        return render(
            request, "campaigns/_reveal.html", {"error": " ".join(exc.messages)}, status=422
        )
    if not request.htmx:
        messages.info(request, value)
        return no_store(redirect("campaigns:trace", trace.public_id))
    return no_store(render(request, "campaigns/_reveal.html", {"value": value}))
