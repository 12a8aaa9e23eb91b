"""Mobilization call pages: send, follow the responses, answer for one's organization."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm, org_paths_for
from bastion.party import selectors as sel
from bastion.party import services
from bastion.party.forms import work as forms
from bastion.party.models import ResponseState
from bastion.party.pickers import pick_organization
from bastion.party.selectors.mobilization import STATE_FILTERS
from bastion.party.services.common import party_can
from bastion.party.services.mobilization import can_respond
from bastion.party.views.common import (
    attempt,
    done,
    form_page,
    page_of,
    require_anywhere,
    submitted,
)

TAB = "party:calls"


@login_required
def call_list(request: HttpRequest) -> HttpResponse:
    require_anywhere(request.user, Perm.PARTY_VIEW)
    qs = sel.mobilizations_with_counts(user=request.user)
    return render(
        request,
        "party/calls/list.html",
        {
            "tab": TAB,
            "page": page_of(request, qs),
            "can_send": has_perm(request.user, Perm.PARTY_MANAGE),
        },
    )


@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_anywhere(user, Perm.PARTY_MANAGE)
    form = forms.CallForm(request.POST or None)
    call = submitted(
        request,
        form,
        lambda d: services.mobilization_send(
            actor=user,
            organization=pick_organization(user, d["organization"], perm=Perm.PARTY_MANAGE),
            title=d["title"],
            body=d["body"],
            audience=d["audience"],
            respond_by=d["respond_by"],
        ),
    )
    if call:
        return done(request, _("号召已发出"), "party:call_detail", call.public_id)
    return form_page(
        request,
        form,
        title=_("发出号召"),
        submit=_("发出"),
        cancel=reverse("party:calls"),
        intro=_("号召发给本组织以下全部党组织和/或全部在册党员；发出后接收对象不再变化。"),
        tab=TAB,
    )


@login_required
def call_detail(request: HttpRequest, public_id) -> HttpResponse:
    """Counts and recipients as far as the user sees them; she answers for hers."""
    user = request.user
    call = sel.mobilization_get(user=user, public_id=public_id)
    member = sel.member_of_user(user)
    own = sel.recipient_of_member(member=member, mobilization=call) if member else None
    if own is not None and not has_perm(user, Perm.PARTY_VIEW):
        return redirect("party:me_call", call.public_id)
    recipients = sel.recipient_list(user=user, mobilization=call)
    state = request.GET.get("state", "")
    if state in STATE_FILTERS:
        recipients = recipients.filter(**STATE_FILTERS[state])
    page = page_of(request, recipients.order_by("org_path", "pk"))
    # The officer of a recipient organization opening the call has seen it for that
    # organization (not for the branches below it, nor the sender's department).
    own_paths = set(org_paths_for(user, Perm.PARTY_MANAGE) or [])
    for recipient in page.object_list:
        if (
            recipient.organization_id
            and recipient.seen_at is None
            and recipient.org_path in own_paths
        ):
            services.mobilization_mark_seen(actor=user, recipient=recipient)
    rows = [(r, can_respond(user, r) and call.closed_at is None) for r in page.object_list]
    return render(
        request,
        "party/calls/detail.html",
        {
            "tab": TAB,
            "call": call,
            "counts": sel.mobilization_counts(user=user, mobilization=call),
            "page": page,
            "rows": rows,
            "state": state,
            "states": ResponseState.choices,
            "form": forms.RespondForm(),
            "sender": party_can(
                user, Perm.PARTY_MANAGE, org_path=call.org_path, region_path=call.region_path
            ),
        },
    )


@login_required
def call_respond(request: HttpRequest, public_id, key: str) -> HttpResponse:
    user = request.user
    call = sel.mobilization_get(user=user, public_id=public_id)
    recipient = sel.recipient_get(user=user, mobilization=call, key=key)
    if not can_respond(user, recipient):
        raise Http404
    services.mobilization_mark_seen(actor=user, recipient=recipient)
    form = forms.RespondForm(
        request.POST or None,
        initial={
            "answer": recipient.answer,
            "action": recipient.action,
            "people_count": recipient.people_count,
        },
    )
    if submitted(
        request,
        form,
        lambda d: services.mobilization_respond(
            actor=user,
            recipient=recipient,
            answer=d["answer"],
            acted=d["acted"],
            action=d["action"],
            people_count=d["people_count"],
        ),
    ):
        return done(request, _("已记录响应"), "party:call_detail", call.public_id)
    return form_page(
        request,
        form,
        title=_("响应号召：%(t)s") % {"t": call.title},
        submit=_("提交"),
        cancel=reverse("party:call_detail", args=[call.public_id]),
        facts=[(_("响应对象"), recipient.label), (_("号召内容"), call.body)],
        tab=TAB,
    )


@login_required
def call_close(request: HttpRequest, public_id) -> HttpResponse:
    call = sel.mobilization_get(user=request.user, public_id=public_id)
    if request.method != "POST":
        raise Http404
    return attempt(
        request,
        lambda: services.mobilization_close(actor=request.user, mobilization=call),
        _("号召已结束"),
        "party:call_detail",
        call.public_id,
    )
