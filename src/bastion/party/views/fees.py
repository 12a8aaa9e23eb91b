"""Party-fee pages: grants with their balances, the ledger of one grant, expenses with
receipts, reversals and adjustments."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.core.uploads import upload_response
from bastion.party import exports, services
from bastion.party import selectors as sel
from bastion.party.forms import work as forms
from bastion.party.models import FeeEntryKind
from bastion.party.pickers import pick_organization
from bastion.party.services.common import party_can
from bastion.party.views.common import (
    confirm_page,
    done,
    form_page,
    page_of,
    require_anywhere,
    submitted,
)

TAB = "party:fees"


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_anywhere(user, Perm.PARTY_VIEW)
    qs = sel.fee_grant_list(user=user)
    if request.GET.get("export") == "xlsx":
        return exports.grants_xlsx(user=user, request=request, grants=qs, scope_label=_("可见范围"))
    return render(
        request,
        "party/fees/list.html",
        {
            "tab": TAB,
            "page": page_of(request, qs),
            "totals": sel.fee_totals(qs),
            "can_grant": has_perm(user, Perm.PARTY_FEES),
        },
    )


@login_required
def grant_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_anywhere(user, Perm.PARTY_FEES)
    form = forms.GrantForm(request.POST or None, initial={"granted_on": timezone.localdate()})
    grant = submitted(
        request,
        form,
        lambda d: services.fee_grant_create(
            actor=user,
            grantor=pick_organization(user, d["grantor"], field="grantor", perm=Perm.PARTY_FEES),
            organization=pick_organization(user, d["organization"]),
            amount=d["amount"],
            purpose=d["purpose"],
            granted_on=d["granted_on"],
            document_no=d["document_no"],
        ),
    )
    if grant:
        return done(request, _("已下拨"), "party:grant_detail", grant.public_id)
    return form_page(
        request,
        form,
        title=_("下拨党费"),
        submit=_("下拨"),
        cancel=reverse("party:fees"),
        intro=_("代县委管理的党费下拨给基层党组织，用于疫情防控。下拨后接收组织凭票据登记支出。"),
        tab=TAB,
    )


@login_required
def grant_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    grant = sel.fee_grant_get(user=user, public_id=public_id)
    can_spend = party_can(
        user, Perm.PARTY_MANAGE, org_path=grant.org_path, region_path=grant.region_path
    )
    can_adjust = party_can(user, Perm.PARTY_FEES, org_path=grant.grantor.path)
    expense_form = forms.ExpenseForm(
        request.POST if "expense" in request.POST else None,
        request.FILES or None,
        initial={"spent_on": timezone.localdate()},
    )
    adjust_form = forms.AdjustForm(request.POST if "adjust" in request.POST else None)
    if request.method == "POST":
        if "expense" in request.POST and not can_spend:
            raise Http404
        if "adjust" in request.POST and not can_adjust:
            raise Http404
        if submitted(
            request,
            expense_form,
            lambda d: services.fee_expense_record(
                actor=user,
                grant=grant,
                amount=d["amount"],
                spent_on=d["spent_on"],
                description=d["description"],
                receipt=d["receipt"],
            ),
        ):
            return done(request, _("已登记支出"), "party:grant_detail", grant.public_id)
        if submitted(
            request,
            adjust_form,
            lambda d: services.fee_grant_adjust(
                actor=user, grant=grant, delta=d["delta"], reason=d["reason"]
            ),
        ):
            return done(request, _("已调整下拨额"), "party:grant_detail", grant.public_id)
    bound = [f for f in (expense_form, adjust_form) if f.is_bound and f.errors]
    return render(
        request,
        "party/fees/detail.html",
        {
            "tab": TAB,
            "grant": grant,
            "entries": sel.fee_entries(grant),
            "can_spend": can_spend,
            "can_adjust": can_adjust,
            "expense_form": expense_form,
            "adjust_form": adjust_form,
            "expense_kind": FeeEntryKind.EXPENSE,
        },
        status=422 if bound else 200,
    )


@login_required
def entry_reverse(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    entry = sel.fee_entry_get(user=user, public_id=public_id)
    grant = entry.grant
    allowed = party_can(user, Perm.PARTY_FEES, org_path=grant.grantor.path) or party_can(
        user, Perm.PARTY_MANAGE, org_path=grant.org_path, region_path=grant.region_path
    )
    if not allowed or entry.kind != FeeEntryKind.EXPENSE:
        raise Http404
    form = forms.ReasonForm(request.POST or None)
    if submitted(
        request,
        form,
        lambda d: services.fee_expense_reverse(actor=user, expense=entry, reason=d["reason"]),
    ):
        return done(request, _("已冲销"), "party:grant_detail", grant.public_id)
    return confirm_page(
        request,
        title=_("冲销支出"),
        message=_("冲销会新增一条记录把这笔钱退回余额，原支出记录保留。"),
        submit=_("确认冲销"),
        cancel=reverse("party:grant_detail", args=[grant.public_id]),
        facts=[(_("支出事项"), entry.description), (_("金额（元）"), f"{-entry.amount:,.2f}")],
        form=form,
        tab=TAB,
    )


@login_required
def entry_receipt(request: HttpRequest, public_id) -> HttpResponse:
    entry = sel.fee_entry_get(user=request.user, public_id=public_id)
    if entry.receipt is None:
        raise Http404
    return upload_response(entry.receipt)
