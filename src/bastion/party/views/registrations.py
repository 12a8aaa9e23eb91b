"""Community registration pages for staff: the list and queue, offline entry on a
member's behalf, confirm or reject, renew, withdraw."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, has_perm, restrict_by_path
from bastion.geo.models import Level, Region
from bastion.party import selectors as sel
from bastion.party import services
from bastion.party.forms import registrations as forms
from bastion.party.models import RegistrationChannel, RegistrationStatus
from bastion.party.pickers import pick_member
from bastion.party.views.common import (
    attempt,
    confirm_page,
    done,
    form_page,
    page_of,
    require_anywhere,
    submitted,
)

TAB = "party:registrations"
COMMUNITY_LEVELS = [Level.COMMUNITY, Level.VILLAGE]


def community_choices(qs) -> list:
    """(code, "town · community") pairs, grouped by town in tree order."""
    rows = qs.filter(level__in=COMMUNITY_LEVELS).select_related("parent").order_by("path")
    groups: dict[str, list] = {}
    for region in rows:
        groups.setdefault(region.parent.name if region.parent else "", []).append(
            (region.code, region.name)
        )
    return list(groups.items())


def confirm_communities(user):
    return restrict_by_path(Region.objects.all(), user, Perm.REGISTRATION_CONFIRM)


@login_required
def registration_list(request: HttpRequest) -> HttpResponse:
    """Registrations in scope by state; community staff see their queue first."""
    user = request.user
    require_anywhere(user, Perm.PARTY_VIEW)
    state = request.GET.get("state", "")
    today = timezone.localdate()
    if state == "renewal":
        renewals = page_of(request, sel.renewal_queue(user=user).order_by("requested_at"))
        return render(
            request,
            "party/registrations/renewals.html",
            {"tab": TAB, "page": renewals, "state": state},
        )
    qs = sel.registration_list(user=user)
    if state == "pending":
        qs = qs.filter(status=RegistrationStatus.PENDING)
    elif state == "in_force":
        qs = qs.filter(sel.registration_live_q(today))
    elif state == "lapsed":
        qs = qs.filter(status=RegistrationStatus.CONFIRMED, valid_until__lt=today)
    elif state in (RegistrationStatus.REJECTED, RegistrationStatus.WITHDRAWN):
        qs = qs.filter(status=state)
    page = page_of(request, qs)
    rows = [(r, sel.registration_state(r, today)) for r in page.object_list]
    return render(
        request,
        "party/registrations/list.html",
        {
            "tab": TAB,
            "page": page,
            "rows": rows,
            "state": state,
            "labels": sel.STATE_LABELS,
            "can_confirm": has_perm(user, Perm.REGISTRATION_CONFIRM),
        },
    )


@login_required
def registration_create(request: HttpRequest) -> HttpResponse:
    """Community staff enter a registration on a member's behalf (offline)."""
    user = request.user
    require_anywhere(user, Perm.REGISTRATION_CONFIRM)
    form = forms.OfflineRegistrationForm(
        request.POST or None, communities=community_choices(confirm_communities(user))
    )

    def act(d):
        community = confirm_communities(user).filter(code=d["community"]).first()
        if community is None:
            raise Http404
        return services.registration_submit(
            actor=user,
            member=pick_member(user, d["member"]),
            community=community,
            channel=RegistrationChannel.OFFLINE,
            skills=form.skill_list(),
            availability=d["availability"],
            service_wishes=d["service_wishes"],
        )

    registration = submitted(request, form, act)
    if registration:
        return done(
            request, _("已登记报到，请确认"), "party:registration_detail", registration.public_id
        )
    return form_page(
        request,
        form,
        title=_("代党员登记报到（线下）"),
        submit=_("登记"),
        cancel=reverse("party:registrations"),
        intro=_("党员到社区当面报到时由社区工作人员录入，录入后在详情页确认。"),
        tab=TAB,
    )


def _can_confirm(user, registration) -> bool:
    return can_on_path(user, Perm.REGISTRATION_CONFIRM, registration.path)


@login_required
def registration_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    registration = sel.registration_get(user=user, public_id=public_id)
    can_confirm = _can_confirm(user, registration)
    decide_form = forms.DecideForm(request.POST or None)
    if request.method == "POST":
        if not can_confirm:
            raise Http404
        action = request.POST.get("action")
        if action in ("confirm", "reject", "renew") and decide_form.is_valid():
            d = decide_form.cleaned_data
            if action == "renew":
                act = lambda: services.registration_renew(  # noqa: E731
                    actor=user,
                    registration=registration,
                    valid_until=d["valid_until"],
                    note=d["note"],
                )
                ok = _("已续期")
            else:
                act = lambda: services.registration_decide(  # noqa: E731
                    actor=user,
                    registration=registration,
                    confirm=action == "confirm",
                    valid_until=d["valid_until"],
                    note=d["note"],
                )
                ok = _("已确认报到") if action == "confirm" else _("已退回报到")
            return attempt(request, act, ok, "party:registration_detail", registration.public_id)
    today = timezone.localdate()
    return render(
        request,
        "party/registrations/detail.html",
        {
            "tab": TAB,
            "r": registration,
            "state": sel.registration_state(registration, today),
            "labels": sel.STATE_LABELS,
            "renewals": registration.renewals.select_related("requested_by", "decided_by"),
            "can_confirm": can_confirm,
            "decide_form": decide_form,
            "member_visible": sel.member_list(user=user).filter(pk=registration.member_id).exists(),
        },
        status=422 if decide_form.is_bound and decide_form.errors else 200,
    )


@login_required
def registration_withdraw(request: HttpRequest, public_id) -> HttpResponse:
    registration = sel.registration_get(user=request.user, public_id=public_id)
    if not _can_confirm(request.user, registration):
        raise Http404
    form = forms.NoteForm(request.POST or None)
    if submitted(
        request,
        form,
        lambda d: services.registration_withdraw(
            actor=request.user, registration=registration, note=d["note"]
        ),
    ):
        return done(request, _("已撤回报到"), "party:registration_detail", registration.public_id)
    return confirm_page(
        request,
        title=_("撤回报到"),
        message=_("撤回后该党员不再在本社区报到，可到新的居住社区重新报到。"),
        submit=_("确认撤回"),
        cancel=reverse("party:registration_detail", args=[registration.public_id]),
        facts=[
            (_("党员"), registration.member.person.name),
            (_("社区"), registration.community.name),
        ],
        form=form,
        tab=TAB,
    )


@login_required
def renewal_reject(request: HttpRequest, public_id) -> HttpResponse:
    renewal = sel.renewal_get(user=request.user, public_id=public_id)
    if not can_on_path(request.user, Perm.REGISTRATION_CONFIRM, renewal.path):
        raise Http404
    form = forms.NoteForm(request.POST or None)
    if submitted(
        request,
        form,
        lambda d: services.registration_renewal_reject(
            actor=request.user, renewal=renewal, note=d["note"]
        ),
    ):
        return done(
            request,
            _("已退回续期申请"),
            "party:registration_detail",
            renewal.registration.public_id,
        )
    return confirm_page(
        request,
        title=_("退回续期申请"),
        message=_("退回后，报到到期即失效。"),
        submit=_("确认退回"),
        cancel=reverse("party:registration_detail", args=[renewal.registration.public_id]),
        form=form,
        tab=TAB,
    )
