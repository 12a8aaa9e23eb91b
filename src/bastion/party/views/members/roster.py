"""Member pages: list and search (masked) with the roster export, enroll, detail with
membership history, edit, transfer, and the member's own login."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.geo.models import Level
from bastion.party import exports, services
from bastion.party import selectors as sel
from bastion.party.forms import members as forms
from bastion.party.models import Organization, ResponsibilityZone, VanguardPost
from bastion.party.pickers import pick_organization, pick_region, pick_user
from bastion.party.services.common import party_can
from bastion.party.views.common import (
    attempt,
    done,
    form_page,
    page_of,
    require_anywhere,
    submitted,
)
from bastion.people.services import PersonInput

TAB = "party:members"
SEARCH_KEY = "party_member_search"


def can_manage_member(user, member) -> bool:
    return party_can(
        user, Perm.PARTY_MANAGE, org_path=member.org_path, region_path=member.region_path
    )


def _filter_org(request) -> Organization | None:
    code = request.GET.get("organization", "").strip()
    if not code:
        return None
    org = sel.organization_list(user=request.user).filter(code=code).first()
    if org is None:
        raise Http404
    return org


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    """Members in scope, masked; the name/ID/phone search is posted and kept in the session."""
    require_anywhere(request.user, Perm.PARTY_VIEW)
    if request.method == "POST":
        search = forms.SearchForm(request.POST)
        request.session[SEARCH_KEY] = search.cleaned_data["q"] if search.is_valid() else ""
        return redirect(request.get_full_path())
    q = request.session.get(SEARCH_KEY, "")
    filters = forms.MemberFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    org = _filter_org(request)
    qs = sel.member_search(
        user=request.user,
        q=q,
        organization=org,
        status=data.get("status", ""),
        flag=data.get("flag", ""),
    )
    if request.GET.get("export") == "xlsx":
        return exports.members_xlsx(
            user=request.user,
            request=request,
            members=qs,
            scope_label=org.name if org else _("可见范围内全部党员"),
        )
    return render(
        request,
        "party/members/list.html",
        {
            "tab": TAB,
            "page": page_of(request, qs),
            "search": forms.SearchForm(initial={"q": q}),
            "filters": filters,
            "organization": org,
            "q": q,
            "can_enroll": has_perm(request.user, Perm.PARTY_MANAGE),
            "can_export": has_perm(request.user, Perm.EXPORT_PII),
        },
    )


@login_required
def member_create(request: HttpRequest) -> HttpResponse:
    """Enroll a member: the person is registered (or merged) in the people registry."""
    require_anywhere(request.user, Perm.PARTY_MANAGE)
    form = forms.MemberCreateForm(
        request.POST or None, initial={"organization": request.GET.get("organization", "")}
    )

    def act(d):
        org = pick_organization(request.user, d["organization"], perm=Perm.PARTY_MANAGE)
        grid = pick_region(d.get("grid"), field="grid", levels=[Level.GRID])
        return services.member_register(
            actor=request.user,
            person_data=PersonInput(
                name=d["name"], id_number=d["id_number"], phone=d["phone"], grid=grid
            ),
            organization=org,
            status=d["status"],
            joined_party_on=d["joined_party_on"],
            occupation=d["occupation"],
            employer=d["employer"],
            is_employed=d["is_employed"],
            is_medical_worker=d["is_medical_worker"],
            is_cadre=d["is_cadre"],
        )

    member = submitted(request, form, act)
    if member:
        return done(request, _("已登记党员"), "party:member_detail", member.public_id)
    return form_page(
        request,
        form,
        title=_("登记党员"),
        submit=_("登记"),
        cancel=reverse("party:members"),
        intro=_("按身份证号与实有人口合并：已登记的人员不会重复建档。"),
        tab=TAB,
    )


@login_required
def member_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    member = sel.member_get(user=user, public_id=public_id)
    year, quarter = sel.current_quarter()
    card = sel.service_card(member=member, year=year, quarter=quarter)
    return render(
        request,
        "party/members/detail.html",
        {
            "tab": TAB,
            "member": member,
            "history": sel.membership_history(member),
            "registrations": sel.member_registrations(member),
            "secondments": member.secondments.select_related("branch").order_by("-started_on"),
            "seats": member.team_seats.filter(left_on__isnull=True).select_related("team"),
            "zones": ResponsibilityZone.objects.filter(member=member, ended_on__isnull=True),
            "posts": VanguardPost.objects.filter(member=member, ended_on__isnull=True),
            "card": card,
            "manage": can_manage_member(user, member),
            "can_confirm": has_perm(user, Perm.REGISTRATION_CONFIRM),
            "today": timezone.localdate(),
        },
    )


def _member_for_change(request, public_id):
    member = sel.member_get(user=request.user, public_id=public_id)
    if not can_manage_member(request.user, member):
        raise Http404
    return member


@login_required
def member_edit(request: HttpRequest, public_id) -> HttpResponse:
    member = _member_for_change(request, public_id)
    fields = services.members.MEMBER_EDITABLE
    form = forms.MemberEditForm(
        request.POST or None, initial={f: getattr(member, f) for f in fields}
    )
    if submitted(
        request,
        form,
        lambda d: services.member_update(
            actor=request.user, member=member, changes={f: d[f] for f in fields}
        ),
    ):
        return done(request, _("已保存"), "party:member_detail", member.public_id)
    return form_page(
        request,
        form,
        title=_("编辑党员：%(n)s") % {"n": member.person.name},
        submit=_("保存"),
        cancel=reverse("party:member_detail", args=[member.public_id]),
        intro=_("姓名、身份证号和手机号在“人员”中维护；组织关系变动请用“转接”。"),
        tab=TAB,
    )


@login_required
def member_transfer(request: HttpRequest, public_id) -> HttpResponse:
    member = _member_for_change(request, public_id)
    form = forms.TransferForm(request.POST or None, initial={"on": timezone.localdate()})
    if submitted(
        request,
        form,
        lambda d: services.member_transfer(
            actor=request.user,
            member=member,
            to=pick_organization(request.user, d["to"], field="to", perm=Perm.PARTY_MANAGE),
            on=d["on"],
            reason=d["reason"],
        ),
    ):
        return done(request, _("已转接组织关系"), "party:member_detail", member.public_id)
    return form_page(
        request,
        form,
        title=_("转接组织关系：%(n)s") % {"n": member.person.name},
        submit=_("转接"),
        cancel=reverse("party:member_detail", args=[member.public_id]),
        intro=_("原组织的在册记录在转接日期结束，历史保留。"),
        facts=[(_("现所在党组织"), member.organization.name)],
        tab=TAB,
    )


@login_required
def member_account(request: HttpRequest, public_id) -> HttpResponse:
    """Create or link the member's own login (docs/decisions/0021), or detach it."""
    member = _member_for_change(request, public_id)
    create_form = forms.AccountCreateForm(
        request.POST if "create" in request.POST else None, prefix="c"
    )
    link_form = forms.AccountLinkForm(request.POST if "link" in request.POST else None, prefix="l")
    created = submitted(
        request,
        create_form,
        lambda d: services.member_account_create(
            actor=request.user, member=member, username=d["username"]
        ),
    )
    if submitted(
        request,
        link_form,
        lambda d: services.member_account_link(
            actor=request.user, member=member, user=pick_user(d["username"])
        ),
    ):
        return done(request, _("已关联登录账号"), "party:member_detail", member.public_id)
    if request.method == "POST" and "unlink" in request.POST:
        return attempt(
            request,
            lambda: services.member_account_unlink(actor=request.user, member=member),
            _("已解除关联"),
            "party:member_detail",
            member.public_id,
        )
    bound = [f for f in (create_form, link_form) if f.is_bound and f.errors]
    response = render(
        request,
        "party/members/account.html",
        {
            "tab": TAB,
            "member": member,
            "create_form": create_form,
            "link_form": link_form,
            "new_user": created[0] if created else None,
            "new_password": created[1] if created else None,
            "login_url": request.build_absolute_uri(reverse("party:me")),
        },
        status=422 if bound else 200,
    )
    if created:
        response["Cache-Control"] = "no-store"
    return response
