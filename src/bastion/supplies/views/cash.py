"""Cash: accounts and their ledger, purposes (allocated by the command, spent with
receipts by their unit), corrections, the receipt files, the export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.core.uploads import upload_response
from bastion.supplies.exports import cash_workbook
from bastion.supplies.forms.cash import (
    AccountForm,
    AmountForm,
    CashAdjustForm,
    CashCorrectForm,
    PurposeForm,
    SpendForm,
)
from bastion.supplies.models import CashKind
from bastion.supplies.selectors import cash as sel
from bastion.supplies.selectors.common import regions_for
from bastion.supplies.selectors.ledger import account_totals, purpose_totals
from bastion.supplies.selectors.recipients import recipient_choices, recipient_from
from bastion.supplies.services import cash as services
from bastion.supplies.services.common import can
from bastion.supplies.views.common import form_page, page_of, require_perm, supplies_page


@supplies_page
def cash_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    accounts = list(sel.account_list(user=user))
    for account in accounts:
        account.totals = sel.totals_of(account)
    purposes = page_of(sel.purpose_list(user=user, q=request.GET.get("q", "")[:60]), request)
    for purpose in purposes.object_list:
        purpose.totals = sel.totals_of(purpose)
    return render(
        request,
        "supplies/cash/home.html",
        {
            "accounts": accounts,
            "page": purposes,
            "q": request.GET.get("q", "")[:60],
            "can_manage": has_perm(user, Perm.DONATION_MANAGE),
            "can_approve": has_perm(user, Perm.ALLOCATION_APPROVE),
        },
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.DONATION_MANAGE)
    return form_page(
        request,
        AccountForm(request.POST or None, regions=regions_for(user, Perm.DONATION_MANAGE)),
        title=_("新建捐款账户"),
        back=reverse("supplies:cash_home"),
        done=_("已新建账户"),
        write=lambda data: services.cash_account_create(actor=user, **data),
    )


@supplies_page
def account_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    account = sel.account_get(user=user, public_id=public_id)
    entries = sel.entry_list(user=user, account=account)
    return render(
        request,
        "supplies/cash/account.html",
        {
            "account": account,
            "totals": account_totals(account.pk),
            "page": page_of(entries.order_by("-at", "-id"), request, size=50),
            "can_manage": can(user, Perm.DONATION_MANAGE, path=account.path),
        },
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def account_adjust(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    account = sel.account_get(user=user, public_id=public_id)
    if not can(user, Perm.DONATION_MANAGE, path=account.path):
        raise PermissionDenied

    def write(data):
        services.cash_adjust(
            actor=user,
            account=account,
            amount=data["amount"],
            increase=data["direction"] == "increase",
            reason=data["reason"],
        )
        return account

    return form_page(
        request,
        CashAdjustForm(request.POST or None),
        title=_("账户调整：%(a)s") % {"a": account.name},
        back=account.get_absolute_url(),
        done=_("已登记调整"),
        write=write,
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def purpose_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.ALLOCATION_APPROVE)
    form = PurposeForm(
        request.POST or None,
        accounts=sel.account_list(user=user).filter(active=True),
        recipients=recipient_choices(user, Perm.ALLOCATION_APPROVE),
    )

    def write(data):
        recipient = data.pop("recipient")
        return services.cash_purpose_create(
            actor=user,
            recipient=recipient_from(user, Perm.ALLOCATION_APPROVE, recipient)
            if recipient
            else None,
            **data,
        )

    return form_page(
        request,
        form,
        title=_("安排捐款用途"),
        back=reverse("supplies:cash_home"),
        done=_("已安排用途"),
        write=write,
    )


@supplies_page
def purpose_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    purpose = sel.purpose_get(user=user, public_id=public_id)
    entries = sel.entry_list(user=user, purpose=purpose)
    open_ = purpose.closed_at is None
    approve = can(user, Perm.ALLOCATION_APPROVE, path=purpose.account.path)
    return render(
        request,
        "supplies/cash/purpose.html",
        {
            "purpose": purpose,
            "totals": purpose_totals([purpose.pk])[purpose.pk],
            "entries": entries,
            "can_spend": open_ and services.can_spend(user, purpose),
            "can_approve": open_ and approve,
            "can_correct": can(user, Perm.DONATION_MANAGE, path=purpose.account.path),
            "spent_kind": CashKind.SPENT,
        },
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def purpose_spend(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    purpose = sel.purpose_get(user=user, public_id=public_id)
    if not services.can_spend(user, purpose):
        raise PermissionDenied

    def write(data):
        services.cash_spend(actor=user, purpose=purpose, **data)
        return purpose

    return form_page(
        request,
        SpendForm(request.POST or None, request.FILES or None),
        title=_("登记支出：%(t)s") % {"t": purpose.title},
        back=purpose.get_absolute_url(),
        done=_("已登记支出"),
        write=write,
        multipart=True,
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def purpose_top_up(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    purpose = sel.purpose_get(user=user, public_id=public_id)
    if not can(user, Perm.ALLOCATION_APPROVE, path=purpose.account.path):
        raise PermissionDenied
    return form_page(
        request,
        AmountForm(request.POST or None),
        title=_("追加金额：%(t)s") % {"t": purpose.title},
        back=purpose.get_absolute_url(),
        done=_("已追加"),
        write=lambda data: (
            services.cash_purpose_top_up(actor=user, purpose=purpose, **data) and None
        ),
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def purpose_close(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    purpose = sel.purpose_get(user=user, public_id=public_id)
    if not can(user, Perm.ALLOCATION_APPROVE, path=purpose.account.path):
        raise PermissionDenied
    form = AmountForm(request.POST or None)
    del form.fields["amount"]
    return form_page(
        request,
        form,
        title=_("结项：%(t)s") % {"t": purpose.title},
        back=purpose.get_absolute_url(),
        done=_("已结项，结余已退回账户"),
        write=lambda data: services.cash_purpose_close(actor=user, purpose=purpose, **data),
        template="supplies/confirm.html",
        message=_("结项后不能再登记支出，未花完的金额退回账户、可重新安排。确定结项吗？"),
    )


@supplies_page
def entry_receipt(request: HttpRequest, public_id) -> HttpResponse:
    """The receipt scan of a spending entry, for whoever may see the entry."""
    entry = sel.entry_get(user=request.user, public_id=public_id)
    if entry.receipt_file is None:
        raise Http404
    return upload_response(entry.receipt_file)


@supplies_page
@require_http_methods(["GET", "POST"])
def entry_correct(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    entry = sel.entry_get(user=user, public_id=public_id)
    if not can(user, Perm.DONATION_MANAGE, path=entry.account.path):
        raise PermissionDenied

    def write(data):
        services.cash_entry_correct(actor=user, entry=entry, **data)
        return entry.account

    return form_page(
        request,
        CashCorrectForm(request.POST or None),
        title=_("更正%(k)s记录：%(a)s 元") % {"k": entry.get_kind_display(), "a": entry.amount},
        back=entry.account.get_absolute_url(),
        done=_("已更正（新增一条更正记录）"),
        write=write,
    )


@supplies_page
def cash_export(request: HttpRequest) -> HttpResponse:
    return cash_workbook(request=request, entries=sel.entry_list(user=request.user))
