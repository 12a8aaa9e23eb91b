"""Pages of teams (vanguard, volunteer service, medical), responsibility zones and
vanguard posts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.party import selectors as sel
from bastion.party import services
from bastion.party.forms import work as forms
from bastion.party.forms.organizations import EndForm
from bastion.party.models import TeamKind
from bastion.party.pickers import pick_member, pick_organization, pick_region
from bastion.party.services.common import party_can
from bastion.party.views.common import (
    attempt,
    confirm_page,
    done,
    form_page,
    page_of,
    require_anywhere,
    submitted,
)

TAB = "party:teams"
ZONES_TAB = "party:zones"


def _manage(user, record) -> bool:
    return party_can(
        user, Perm.PARTY_MANAGE, org_path=record.org_path, region_path=record.region_path
    )


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    require_anywhere(request.user, Perm.PARTY_VIEW)
    kind = request.GET.get("kind", "")
    kind = kind if kind in TeamKind.values else ""
    q = request.GET.get("q", "")
    show = request.GET.get("show", "")
    qs = sel.team_search(user=request.user, q=q, kind=kind, active=show != "all")
    return render(
        request,
        "party/teams/list.html",
        {
            "tab": TAB,
            "page": page_of(request, qs),
            "kinds": TeamKind.choices,
            "kind": kind,
            "q": q,
            "show": show,
            "can_create": has_perm(request.user, Perm.PARTY_MANAGE),
        },
    )


@login_required
def team_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_anywhere(user, Perm.PARTY_MANAGE)
    form = forms.TeamForm(
        request.POST or None,
        initial={"formed_on": timezone.localdate(), "kind": request.GET.get("kind", "")},
    )

    def act(d):
        org = pick_organization(user, d["organization"], perm=Perm.PARTY_MANAGE)
        return services.team_create(
            actor=user,
            organization=org,
            kind=d["kind"],
            name=d["name"],
            region=pick_region(d.get("region"), within=org.region_path),
            purpose=d["purpose"],
            leader=pick_member(user, d.get("leader"), field="leader"),
            formed_on=d["formed_on"],
        )

    team = submitted(request, form, act)
    if team:
        return done(request, _("已组建队伍"), "party:team_detail", team.public_id)
    return form_page(
        request, form, title=_("组建队伍"), submit=_("组建"), cancel=reverse("party:teams"), tab=TAB
    )


@login_required
def team_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    team = sel.team_get(user=user, public_id=public_id)
    manage = _manage(user, team)
    form = forms.SeatForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise Http404
        if submitted(
            request,
            form,
            lambda d: services.team_member_add(
                actor=user, team=team, person=pick_member(user, d["member"]).person, role=d["role"]
            ),
        ):
            return done(request, _("已加入队伍"), "party:team_detail", team.public_id)
    return render(
        request,
        "party/teams/detail.html",
        {"tab": TAB, "team": team, "seats": sel.team_seats(team), "manage": manage, "form": form},
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
def team_edit(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    team = sel.team_get(user=user, public_id=public_id)
    if not _manage(user, team):
        raise Http404
    initial = {
        "kind": team.kind,
        "name": team.name,
        "region": team.region.code if team.region else "",
        "purpose": team.purpose,
        "leader": team.leader.person.name if team.leader else "",
    }
    form = forms.TeamEditForm(request.POST or None, initial=initial)

    def act(d):
        changes = {
            "kind": d["kind"],
            "name": d["name"],
            "purpose": d["purpose"],
            "region": pick_region(d.get("region"), within=team.organization.region_path),
            "leader": pick_member(user, d.get("leader"), field="leader"),
        }
        return services.team_update(actor=user, team=team, changes=changes)

    if submitted(request, form, act):
        return done(request, _("已保存"), "party:team_detail", team.public_id)
    return form_page(
        request,
        form,
        title=_("编辑队伍"),
        submit=_("保存"),
        cancel=reverse("party:team_detail", args=[team.public_id]),
        tab=TAB,
    )


@login_required
def team_disband(request: HttpRequest, public_id) -> HttpResponse:
    team = sel.team_get(user=request.user, public_id=public_id)
    if not _manage(request.user, team) or team.disbanded_on:
        raise Http404
    form = forms.DisbandForm(request.POST or None, initial={"on": timezone.localdate()})
    if submitted(
        request, form, lambda d: services.team_disband(actor=request.user, team=team, on=d["on"])
    ):
        return done(request, _("队伍已解散"), "party:team_detail", team.public_id)
    return confirm_page(
        request,
        title=_("解散队伍"),
        message=_("解散后队员同日离队，记录保留。"),
        submit=_("确认解散"),
        cancel=reverse("party:team_detail", args=[team.public_id]),
        facts=[(_("队伍"), team.name)],
        form=form,
        tab=TAB,
    )


@login_required
def seat_remove(request: HttpRequest, public_id, person_id) -> HttpResponse:
    team = sel.team_get(user=request.user, public_id=public_id)
    if not _manage(request.user, team):
        raise Http404
    seat = sel.team_seat_get(team=team, person_id=person_id)
    if request.method == "POST":
        return attempt(
            request,
            lambda: services.team_member_remove(actor=request.user, seat=seat),
            _("已离队"),
            "party:team_detail",
            team.public_id,
        )
    return confirm_page(
        request,
        title=_("离队"),
        message=_("确认让此人离开队伍？"),
        submit=_("确认"),
        cancel=reverse("party:team_detail", args=[team.public_id]),
        facts=[(_("队员"), seat.person.name), (_("队伍"), team.name)],
        tab=TAB,
    )


# --- Responsibility zones and vanguard posts ---------------------------------------------

KINDS = {
    "zone": (sel.zone_list, sel.zone_get, services.zone_create, "area", "party:zone_detail"),
    "post": (sel.post_list, sel.post_get, services.post_create, "site", "party:post_detail"),
}


@login_required
def zone_list(request: HttpRequest) -> HttpResponse:
    """Zones and posts in scope, each with the member who answers for it."""
    require_anywhere(request.user, Perm.PARTY_VIEW)
    show = request.GET.get("show", "zones")
    active = request.GET.get("all") != "1"
    qs = (sel.post_list if show == "posts" else sel.zone_list)(user=request.user, active=active)
    return render(
        request,
        "party/zones/list.html",
        {
            "tab": ZONES_TAB,
            "page": page_of(request, qs),
            "show": show,
            "can_create": has_perm(request.user, Perm.PARTY_MANAGE),
        },
    )


def _answered_create(request: HttpRequest, kind: str) -> HttpResponse:
    user = request.user
    require_anywhere(user, Perm.PARTY_MANAGE)
    _list, _get, create, place_field, detail = KINDS[kind]
    form = forms.AnsweredForm(request.POST or None, initial={"started_on": timezone.localdate()})
    form.fields["place"].label = _("范围") if kind == "zone" else _("岗位地点")

    def act(d):
        org = pick_organization(user, d["organization"], perm=Perm.PARTY_MANAGE)
        return create(
            actor=user,
            organization=org,
            member=pick_member(user, d["member"]),
            name=d["name"],
            region=pick_region(d.get("region"), within=org.region_path),
            duties=d["duties"],
            started_on=d["started_on"],
            **{place_field: d["place"]},
        )

    record = submitted(request, form, act)
    if record:
        return done(request, _("已设立"), detail, record.public_id)
    title = _("设立党员责任区") if kind == "zone" else _("设立党员先锋岗")
    return form_page(
        request, form, title=title, submit=_("设立"), cancel=reverse("party:zones"), tab=ZONES_TAB
    )


@login_required
def zone_create(request: HttpRequest) -> HttpResponse:
    return _answered_create(request, "zone")


@login_required
def post_create(request: HttpRequest) -> HttpResponse:
    return _answered_create(request, "post")


def _answered_detail(request: HttpRequest, public_id, kind: str) -> HttpResponse:
    user = request.user
    _list, get, _create, place_field, detail = KINDS[kind]
    record = get(user=user, public_id=public_id)
    manage = _manage(user, record)
    reassign = forms.ReassignForm(request.POST if "reassign" in request.POST else None)
    end = EndForm(
        request.POST if "end" in request.POST else None, initial={"ended_on": timezone.localdate()}
    )
    if request.method == "POST":
        if not manage:
            raise Http404
        if submitted(
            request,
            reassign,
            lambda d: services.answered_reassign(
                actor=user, record=record, member=pick_member(user, d["member"]), reason=d["reason"]
            ),
        ):
            return done(request, _("已更换负责人"), detail, record.public_id)
        if submitted(
            request,
            end,
            lambda d: services.answered_end(actor=user, record=record, ended_on=d["ended_on"]),
        ):
            return done(request, _("已撤销"), detail, record.public_id)
    bound = [f for f in (reassign, end) if f.is_bound and f.errors]
    return render(
        request,
        "party/zones/detail.html",
        {
            "tab": ZONES_TAB,
            "record": record,
            "kind": kind,
            "place": getattr(record, place_field),
            "manage": manage,
            "reassign": reassign,
            "end": end,
        },
        status=422 if bound else 200,
    )


@login_required
def zone_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _answered_detail(request, public_id, "zone")


@login_required
def post_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _answered_detail(request, public_id, "post")
