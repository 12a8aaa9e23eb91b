"""Organization pages: the tree with search and drill-down, create and edit, temporary
branches and their secondments, the registration target, organization officers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.party import selectors as sel
from bastion.party import services
from bastion.party.forms import organizations as forms
from bastion.party.models import Tier
from bastion.party.pickers import pick_member, pick_region, pick_user
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

TAB = "party:organizations"


def can_manage(user, org) -> bool:
    return party_can(user, Perm.PARTY_MANAGE, org_path=org.path, region_path=org.region_path)


@login_required
def organization_tree(request: HttpRequest) -> HttpResponse:
    """The top of the user's tree, or the organizations matching a search."""
    require_anywhere(request.user, Perm.PARTY_VIEW)
    form = forms.OrganizationSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    searching = any(filters.values())
    results = (
        page_of(request, sel.organization_search(user=request.user, **filters))
        if searching
        else None
    )
    roots = None if searching else sel.organization_roots(user=request.user)
    return render(
        request,
        "party/organizations/tree.html",
        {"tab": TAB, "form": form, "results": results, "roots": roots},
    )


@login_required
def organization_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    org = sel.organization_get(user=user, public_id=public_id)
    manage = can_manage(user, org)
    rate = sel.registration_rate(organization=org)
    children = page_of(request, sel.organization_children(user=user, organization=org), 30)
    return render(
        request,
        "party/organizations/detail.html",
        {
            "tab": TAB,
            "org": org,
            "ancestors": sel.organization_ancestors(user=user, organization=org),
            "children": children,
            "rate": rate,
            "child_rates": sel.registration_rates_below(organization=org)
            if org.tier not in (Tier.BRANCH, Tier.TEMPORARY_BRANCH)
            else [],
            "secondments": org.secondments.filter(ended_on__isnull=True).select_related(
                "member__person", "member__organization"
            )
            if org.is_temporary
            else [],
            "member_count": sel.member_search(user=user, organization=org).count(),
            "manage": manage,
            "leaf": org.tier in (Tier.BRANCH, Tier.TEMPORARY_BRANCH),
            "target_form": forms.TargetForm(initial={"target": org.registration_target}),
        },
    )


def _create_kwargs(data: dict, org_region_within: str) -> dict:
    return {
        "code": data["code"],
        "name": data["name"],
        "tier": data["tier"],
        "sector": data["sector"],
        "region": pick_region(data.get("region"), within=org_region_within),
        "secretary": data.get("secretary", ""),
        "site_kind": data.get("site_kind", ""),
        "site_name": data.get("site_name", ""),
        "purpose": data.get("purpose", ""),
        "opened_on": data.get("opened_on"),
    }


@login_required
def organization_create(request: HttpRequest, public_id) -> HttpResponse:
    """A new organization (or temporary branch) under `public_id`."""
    parent = sel.organization_get(user=request.user, public_id=public_id)
    if not can_manage(request.user, parent):
        raise Http404
    initial = {"tier": request.GET.get("tier") or Tier.BRANCH, "opened_on": timezone.localdate()}
    form = forms.OrganizationForm(request.POST or None, initial=initial)
    created = submitted(
        request,
        form,
        lambda d: services.organization_create(
            actor=request.user, parent=parent, **_create_kwargs(d, parent.region_path)
        ),
    )
    if created:
        return done(request, _("已建立党组织"), "party:organization_detail", created.public_id)
    return form_page(
        request,
        form,
        title=_("在“%(p)s”下建立党组织") % {"p": parent.name},
        submit=_("建立"),
        cancel=reverse("party:organization_detail", args=[parent.public_id]),
        intro=_("临时党支部请选择层级“临时党支部”，并填写设立地点、原因和成立日期。"),
        tab=TAB,
    )


@login_required
def organization_edit(request: HttpRequest, public_id) -> HttpResponse:
    org = sel.organization_get(user=request.user, public_id=public_id)
    if not can_manage(request.user, org):
        raise Http404
    initial = {
        "name": org.name,
        "sector": org.sector,
        "region": org.region.code if org.region else "",
        "secretary": org.secretary,
        "site_kind": org.site_kind,
        "site_name": org.site_name,
        "purpose": org.purpose,
        "opened_on": org.opened_on,
    }
    form = forms.OrganizationEditForm(
        request.POST or None, initial=initial, temporary=org.is_temporary
    )

    def act(data):
        within = org.parent.region_path if org.parent else ""
        changes = {k: v for k, v in data.items() if k in form.fields}
        changes["region"] = pick_region(data.get("region"), within=within)
        return services.organization_update(actor=request.user, organization=org, changes=changes)

    if submitted(request, form, act):
        return done(request, _("已保存"), "party:organization_detail", org.public_id)
    return form_page(
        request,
        form,
        title=_("编辑 %(n)s") % {"n": org.name},
        submit=_("保存"),
        cancel=reverse("party:organization_detail", args=[org.public_id]),
        tab=TAB,
    )


@login_required
def organization_close(request: HttpRequest, public_id) -> HttpResponse:
    """Confirm and close a temporary branch."""
    org = sel.organization_get(user=request.user, public_id=public_id)
    if not org.is_temporary or not can_manage(request.user, org):
        raise Http404
    form = forms.CloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if submitted(
        request,
        form,
        lambda d: services.organization_close(
            actor=request.user, organization=org, closed_on=d["closed_on"], reason=d["reason"]
        ),
    ):
        return done(request, _("临时党支部已撤销"), "party:organization_detail", org.public_id)
    return confirm_page(
        request,
        title=_("撤销临时党支部"),
        message=_("撤销后，选派到该支部的党员同日结束选派。撤销不能撤回。"),
        submit=_("确认撤销"),
        cancel=reverse("party:organization_detail", args=[org.public_id]),
        facts=[(_("名称"), org.name), (_("成立日期"), org.opened_on)],
        form=form,
        tab=TAB,
    )


@login_required
def organization_target(request: HttpRequest, public_id) -> HttpResponse:
    org = sel.organization_get(user=request.user, public_id=public_id)
    if not can_manage(request.user, org):
        raise Http404
    form = forms.TargetForm(request.POST or None, initial={"target": org.registration_target})
    if submitted(
        request,
        form,
        lambda d: (
            services.organization_target_set(
                actor=request.user, organization=org, target=d["target"]
            )
            or True
        ),
    ):
        return done(request, _("已保存报到率目标"), "party:organization_detail", org.public_id)
    return form_page(
        request,
        form,
        title=_("%(n)s：报到率目标") % {"n": org.name},
        submit=_("保存"),
        cancel=reverse("party:organization_detail", args=[org.public_id]),
        intro=_("在职党员进社区报到的目标比例，留空表示不设目标。"),
        tab=TAB,
    )


# --- Secondments -------------------------------------------------------------------------


@login_required
def secondment_add(request: HttpRequest, public_id) -> HttpResponse:
    branch = sel.organization_get(user=request.user, public_id=public_id)
    if not branch.is_temporary or not can_manage(request.user, branch):
        raise Http404
    form = forms.SecondmentForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if submitted(
        request,
        form,
        lambda d: services.secondment_add(
            actor=request.user,
            branch=branch,
            member=pick_member(request.user, d["member"]),
            started_on=d["started_on"],
            duty=d["duty"],
        ),
    ):
        return done(request, _("已选派党员"), "party:organization_detail", branch.public_id)
    return form_page(
        request,
        form,
        title=_("选派党员到 %(n)s") % {"n": branch.name},
        submit=_("选派"),
        cancel=reverse("party:organization_detail", args=[branch.public_id]),
        intro=_("被选派的党员组织关系不变，在临时党支部参加组织生活、承担任务。"),
        tab=TAB,
    )


@login_required
def secondment_end(request: HttpRequest, public_id) -> HttpResponse:
    secondment = sel.secondment_get(user=request.user, public_id=public_id)
    branch = secondment.branch
    if not can_manage(request.user, branch) or secondment.ended_on is not None:
        raise Http404
    form = forms.EndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if submitted(
        request,
        form,
        lambda d: services.secondment_end(
            actor=request.user, secondment=secondment, ended_on=d["ended_on"]
        ),
    ):
        return done(request, _("已结束选派"), "party:organization_detail", branch.public_id)
    return confirm_page(
        request,
        title=_("结束选派"),
        message=_("结束后该党员不再属于此临时党支部的选派人员。"),
        submit=_("确认结束"),
        cancel=reverse("party:organization_detail", args=[branch.public_id]),
        facts=[(_("党员"), secondment.member.person.name), (_("临时党支部"), branch.name)],
        form=form,
        tab=TAB,
    )


# --- Organization officers ----------------------------------------------------------------


@login_required
def officers(request: HttpRequest, public_id) -> HttpResponse:
    """Who administers this organization, and granting the role to a login."""
    org = sel.organization_get(user=request.user, public_id=public_id)
    if not can_manage(request.user, org):
        raise Http404
    grant_form = forms.OfficerGrantForm(
        request.POST if "grant" in request.POST else None, prefix="g"
    )
    account_form = forms.OfficerAccountForm(
        request.POST if "create" in request.POST else None, prefix="a"
    )
    new_password = None
    if submitted(
        request,
        grant_form,
        lambda d: services.org_officer_grant(
            actor=request.user, organization=org, user=pick_user(d["username"])
        ),
    ):
        return done(request, _("已授予党组织管理员"), "party:officers", org.public_id)
    created = submitted(
        request,
        account_form,
        lambda d: services.org_officer_account_create(
            actor=request.user, organization=org, username=d["username"], full_name=d["full_name"]
        ),
    )
    if created:
        grant, new_password = created
        account_form = forms.OfficerAccountForm(prefix="a")
    bound = [f for f in (grant_form, account_form) if f.is_bound and f.errors]
    response = render(
        request,
        "party/organizations/officers.html",
        {
            "tab": TAB,
            "org": org,
            "grants": sel.org_officer_grants(organization=org),
            "grant_form": grant_form,
            "account_form": account_form,
            "new_password": new_password,
            "new_user": created[0].user if created else None,
        },
        status=422 if bound else 200,
    )
    if new_password:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def officer_revoke(request: HttpRequest, public_id, grant_id) -> HttpResponse:
    org = sel.organization_get(user=request.user, public_id=public_id)
    if not can_manage(request.user, org):
        raise Http404
    grant = sel.org_officer_grant_get(organization=org, public_id=grant_id)
    if request.method == "POST":
        return attempt(
            request,
            lambda: services.org_officer_revoke(actor=request.user, grant=grant),
            _("已撤销党组织管理员"),
            "party:officers",
            org.public_id,
        )
    return confirm_page(
        request,
        title=_("撤销党组织管理员"),
        message=_("撤销后该用户不再管理此党组织及其下级。"),
        submit=_("确认撤销"),
        cancel=reverse("party:officers", args=[org.public_id]),
        facts=[(_("用户"), grant.user), (_("党组织"), org.name)],
        tab=TAB,
    )
