"""The member's own pages, on a phone: register at the community where they live, ask to
renew, withdraw, answer calls, see their service record. Only a login linked to a
member (PartyMember.user) opens them; for anyone else they do not exist (404)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.geo.models import Region
from bastion.party import selectors as sel
from bastion.party import services
from bastion.party.forms import registrations as forms
from bastion.party.forms.work import RespondForm
from bastion.party.models import RegistrationChannel, RenewalStatus
from bastion.party.services.registrations import RENEWAL_WINDOW_DAYS
from bastion.party.views.common import attempt, confirm_page, done, submitted
from bastion.party.views.registrations import community_choices

TAB = "party:me"


def _member(request: HttpRequest):
    member = sel.member_of_user(request.user)
    if member is None:
        raise Http404
    return member


def _home_community(member) -> str:
    region = member.person.region
    while region is not None and region.level not in ("community", "village"):
        region = region.parent
    return region.code if region else ""


@login_required
def me(request: HttpRequest) -> HttpResponse:
    member = sel.member_of_user(request.user)
    if member is None:
        # Volunteers (who see this page in the menu) learn how to get linked; others: 404.
        if not has_perm(request.user, Perm.TASK_CLAIM):
            raise Http404
        return render(request, "party/me/not_linked.html", {"tab": TAB})
    registration = sel.member_live_registration(member)
    year, quarter = sel.current_quarter()
    state = sel.registration_state(registration) if registration else ""
    pending_renewal = (
        registration.renewals.filter(status=RenewalStatus.PENDING).first() if registration else None
    )
    today = timezone.localdate()
    renewable = bool(
        registration
        and state in ("in_force", "lapsed")
        and registration.valid_until
        and registration.valid_until <= today + dt.timedelta(days=RENEWAL_WINDOW_DAYS)
        and pending_renewal is None
    )
    calls = list(sel.member_calls(member=member)[:10])
    return render(
        request,
        "party/me/home.html",
        {
            "tab": TAB,
            "member": member,
            "registration": registration,
            "state": state,
            "labels": sel.STATE_LABELS,
            "pending_renewal": pending_renewal,
            "renewable": renewable,
            "card": sel.service_card(member=member, year=year, quarter=quarter),
            "calls": calls,
        },
    )


@login_required
def me_register(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if sel.member_live_registration(member) is not None:
        return redirect("party:me")
    communities = community_choices(Region.objects.all())
    form = forms.RegistrationFields(
        request.POST or None,
        communities=communities,
        initial={"community": _home_community(member)},
    )

    def act(d):
        community = Region.objects.filter(code=d["community"]).first()
        if community is None:
            raise Http404
        return services.registration_submit(
            actor=request.user,
            member=member,
            community=community,
            channel=RegistrationChannel.ONLINE,
            skills=form.skill_list(),
            availability=d["availability"],
            service_wishes=d["service_wishes"],
        )

    if submitted(request, form, act):
        return done(request, _("报到已提交，等待社区确认"), "party:me")
    return render(
        request,
        "party/me/register.html",
        {"tab": TAB, "form": form, "member": member},
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def me_renew(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    registration = sel.member_live_registration(member)
    if registration is None:
        raise Http404
    return attempt(
        request,
        lambda: services.registration_renew_request(actor=request.user, registration=registration),
        _("续期申请已提交，等待社区确认"),
        "party:me",
    )


@login_required
def me_withdraw(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    registration = sel.member_live_registration(member)
    if registration is None:
        raise Http404
    if request.method == "POST":
        return attempt(
            request,
            lambda: services.registration_withdraw(actor=request.user, registration=registration),
            _("已撤回报到"),
            "party:me",
        )
    return confirm_page(
        request,
        title=_("撤回报到"),
        message=_("搬家或不再在该社区服务时撤回；撤回后可以到新的社区重新报到。"),
        submit=_("确认撤回"),
        cancel=reverse("party:me"),
        facts=[(_("社区"), registration.community.name)],
        tab=TAB,
    )


@login_required
def me_call(request: HttpRequest, public_id) -> HttpResponse:
    """A call addressed to the member: opening it marks it seen; the member answers."""
    member = _member(request)
    call = sel.mobilization_get(user=request.user, public_id=public_id)
    recipient = sel.recipient_of_member(member=member, mobilization=call)
    if recipient is None:
        raise Http404
    services.mobilization_mark_seen(actor=request.user, recipient=recipient)
    form = RespondForm(
        request.POST or None,
        initial={"answer": recipient.answer, "action": recipient.action},
    )
    if submitted(
        request,
        form,
        lambda d: services.mobilization_respond(
            actor=request.user,
            recipient=recipient,
            answer=d["answer"],
            acted=d["acted"],
            action=d["action"],
        ),
    ):
        return done(request, _("已响应号召"), "party:me_call", call.public_id)
    del form.fields["people_count"]
    return render(
        request,
        "party/me/call.html",
        {"tab": TAB, "call": call, "recipient": recipient, "form": form},
        status=422 if form.is_bound and form.errors else 200,
    )
