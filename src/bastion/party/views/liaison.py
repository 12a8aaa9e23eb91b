"""Liaison group pages (groups, key units, visits) and cadre observations, which exist
only for holders of Perm.CADRE_OBSERVE (404 for everyone else, every page)."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.core.uploads import upload_response
from bastion.party import selectors as sel
from bastion.party import services
from bastion.party.forms import work as forms
from bastion.party.pickers import pick_organization, pick_user
from bastion.party.services.common import party_can
from bastion.party.views.common import (
    attempt,
    done,
    form_page,
    page_of,
    require_anywhere,
    submitted,
)

TAB = "party:liaison"
CADRE_TAB = "party:cadres"


def _uuid(value):
    try:
        return UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


def _manage(user, group) -> bool:
    return party_can(
        user, Perm.PARTY_MANAGE, org_path=group.org_path, region_path=group.region_path
    )


def _may_record(user, group) -> bool:
    """The group's managers and its own users record visits (services._may_record)."""
    return _manage(user, group) or group.users.filter(pk=user.pk).exists()


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    groups = sel.liaison_groups_with_counts(user=request.user)
    if not has_perm(request.user, Perm.PARTY_VIEW) and not groups.exists():
        raise Http404
    return render(
        request,
        "party/liaison/list.html",
        {
            "tab": TAB,
            "page": page_of(request, groups),
            "can_create": has_perm(request.user, Perm.PARTY_MANAGE),
        },
    )


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_anywhere(user, Perm.PARTY_MANAGE)
    form = forms.LiaisonGroupForm(request.POST or None, initial={"formed_on": timezone.localdate()})

    def act(d):
        org = pick_organization(user, d["organization"], perm=Perm.PARTY_MANAGE)
        return services.liaison_group_create(
            actor=user,
            organization=org,
            number=d["number"],
            name=d["name"],
            leader=d["leader"],
            members_text=d["members_text"],
            focus=d["focus"],
            formed_on=d["formed_on"],
        )

    group = submitted(request, form, act)
    if group:
        return done(request, _("已成立联点小组"), "party:liaison_detail", group.public_id)
    return form_page(
        request,
        form,
        title=_("成立联点小组"),
        submit=_("成立"),
        cancel=reverse("party:liaison"),
        tab=TAB,
    )


@login_required
def group_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    group = sel.liaison_group_get(user=user, public_id=public_id)
    manage = _manage(user, group)
    pair_form = forms.PairForm(request.POST if "pair" in request.POST else None)
    user_form = forms.GroupUserForm(request.POST if "add_user" in request.POST else None)
    if request.method == "POST":
        if not manage:
            raise Http404
        if submitted(
            request,
            pair_form,
            lambda d: services.liaison_pair(
                actor=user, group=group, unit=pick_organization(user, d["unit"], field="unit")
            ),
        ):
            return done(request, _("已添加联点单位"), "party:liaison_detail", group.public_id)
        if submitted(
            request,
            user_form,
            lambda d: services.liaison_group_user_add(
                actor=user, group=group, user=pick_user(d["username"])
            ),
        ):
            return done(request, _("已加入小组"), "party:liaison_detail", group.public_id)
        if "unpair" in request.POST:
            pairing = group.pairings.filter(
                unit__public_id=_uuid(request.POST.get("unpair")), ended_on__isnull=True
            ).first()
            if pairing is None:
                raise Http404
            return attempt(
                request,
                lambda: services.liaison_unpair(actor=user, pairing=pairing),
                _("已解除联点"),
                "party:liaison_detail",
                group.public_id,
            )
    bound = [f for f in (pair_form, user_form) if f.is_bound and f.errors]
    return render(
        request,
        "party/liaison/detail.html",
        {
            "tab": TAB,
            "group": group,
            "pairings": group.pairings.filter(ended_on__isnull=True).select_related("unit"),
            "users": group.users.all(),
            "visits": page_of(request, sel.liaison_visit_list(user=user, group=group), 20),
            "manage": manage,
            "may_record": manage or group.users.filter(pk=user.pk).exists(),
            "pair_form": pair_form,
            "user_form": user_form,
        },
        status=422 if bound else 200,
    )


@login_required
def visit_create(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    group = sel.liaison_group_get(user=user, public_id=public_id)
    if not _may_record(user, group):
        raise Http404
    units = [
        (str(p.unit.public_id), p.unit.name)
        for p in group.pairings.filter(ended_on__isnull=True).select_related("unit")
    ]
    form = forms.VisitForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        initial={"visited_on": timezone.localdate()},
    )

    def act(d):
        unit = group.pairings.filter(unit__public_id=d["unit"]).select_related("unit").first()
        if unit is None:
            raise Http404
        return services.liaison_visit_record(
            actor=user,
            group=group,
            unit=unit.unit,
            visited_on=d["visited_on"],
            findings=d["findings"],
            participants=d["participants"],
            follow_up=d["follow_up"],
            attachments=d["attachments"],
        )

    visit = submitted(request, form, act)
    if visit:
        return done(request, _("已记录走访"), "party:visit_detail", visit.public_id)
    return form_page(
        request,
        form,
        title=_("记录走访：%(g)s") % {"g": group.name},
        submit=_("保存"),
        cancel=reverse("party:liaison_detail", args=[group.public_id]),
        multipart=True,
        tab=TAB,
    )


@login_required
def visit_detail(request: HttpRequest, public_id) -> HttpResponse:
    visit = sel.liaison_visit_get(user=request.user, public_id=public_id)
    return render(request, "party/liaison/visit.html", {"tab": TAB, "visit": visit})


@login_required
def visit_file(request: HttpRequest, public_id, file_id) -> HttpResponse:
    visit = sel.liaison_visit_get(user=request.user, public_id=public_id)
    stored = visit.attachments.filter(public_id=file_id).first()
    if stored is None:
        raise Http404
    return upload_response(stored)


# --- Cadre observations (organization department only) ----------------------------------------


def _require_cadre(user) -> None:
    if not has_perm(user, Perm.CADRE_OBSERVE):
        raise Http404


@login_required
def cadre_list(request: HttpRequest) -> HttpResponse:
    _require_cadre(request.user)
    q = request.GET.get("q", "")
    qs = sel.cadre_observation_list(user=request.user, q=q)
    return render(
        request,
        "party/cadres/list.html",
        {"tab": CADRE_TAB, "page": page_of(request, qs), "q": q},
    )


@login_required
def cadre_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_cadre(user)
    groups = [(str(g.public_id), g.name) for g in sel.liaison_group_list(user=user)]
    form = forms.CadreObservationForm(
        request.POST or None,
        request.FILES or None,
        groups=groups,
        initial={"observed_on": timezone.localdate()},
    )

    def act(d):
        group = None
        if d.get("group"):
            group = sel.liaison_group_get(user=user, public_id=d["group"])
        return services.cadre_observation_record(
            actor=user,
            unit=pick_organization(user, d["unit"], field="unit"),
            cadre_name=d["cadre_name"],
            position=d["position"],
            group=group,
            observed_on=d["observed_on"],
            situation=d["situation"],
            performance=d["performance"],
            rating=d["rating"],
            evidence=d["evidence"],
        )

    observation = submitted(request, form, act)
    if observation:
        return done(request, _("已记录"), "party:cadre_detail", observation.public_id)
    return form_page(
        request,
        form,
        title=_("记录干部观察"),
        submit=_("保存"),
        cancel=reverse("party:cadres"),
        intro=_("仅组织部可见。请据实记录干部在一线的表现，并附佐证材料。"),
        multipart=True,
        tab=CADRE_TAB,
    )


@login_required
def cadre_detail(request: HttpRequest, public_id) -> HttpResponse:
    _require_cadre(request.user)
    observation = sel.cadre_observation_get(user=request.user, public_id=public_id)
    return render(request, "party/cadres/detail.html", {"tab": CADRE_TAB, "o": observation})


@login_required
def cadre_file(request: HttpRequest, public_id, file_id) -> HttpResponse:
    _require_cadre(request.user)
    observation = sel.cadre_observation_get(user=request.user, public_id=public_id)
    stored = observation.evidence.filter(public_id=file_id).first()
    if stored is None:
        raise Http404
    return upload_response(stored)
