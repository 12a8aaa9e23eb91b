"""Donors and donations: list, record, receive goods and cash, acknowledge, cancel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.core.audit import client_ip
from bastion.supplies.forms.donations import (
    CancelForm,
    CashReceiveForm,
    DonationForm,
    DonationLineForm,
    DonorForm,
    ReceiveForm,
    ReceiveLineForm,
    RevealForm,
    donation_line_formset,
)
from bastion.supplies.models import DonorKind
from bastion.supplies.selectors import donations as sel
from bastion.supplies.selectors.cash import account_list
from bastion.supplies.selectors.catalogue import item_list
from bastion.supplies.selectors.common import regions_for
from bastion.supplies.selectors.stock import warehouse_list
from bastion.supplies.services import cash as cash_services
from bastion.supplies.services import donations as services
from bastion.supplies.services import donors as donor_services
from bastion.supplies.services.common import can, is_keeper
from bastion.supplies.views.common import (
    form_page,
    page_of,
    put_errors,
    require_perm,
    supplies_page,
)

# --- Donors -----------------------------------------------------------------------------


@supplies_page
def donor_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:60]
    kind = request.GET.get("kind") or ""
    kind = kind if kind in DonorKind.values else ""
    page = page_of(sel.donor_list(user=request.user, q=q, kind=kind), request)
    return render(
        request,
        "supplies/donors/list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": DonorKind.choices,
            "can_manage": has_perm(request.user, Perm.DONATION_MANAGE),
        },
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def donor_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.DONATION_MANAGE)
    form = DonorForm(request.POST or None, regions=regions_for(user, Perm.DONATION_MANAGE))
    return form_page(
        request,
        form,
        title=_("登记捐赠者"),
        back=reverse("supplies:donor_list"),
        done=_("已登记捐赠者"),
        write=lambda data: donor_services.donor_create(actor=user, **data),
    )


@supplies_page
def donor_detail(request: HttpRequest, public_id) -> HttpResponse:
    donor = sel.donor_get(user=request.user, public_id=public_id)
    page = _with_status(page_of(sel.donation_list(user=request.user, donor=donor), request))
    return render(
        request,
        "supplies/donors/detail.html",
        {
            "donor": donor,
            "page": page,
            "can_manage": can(request.user, Perm.DONATION_MANAGE, path=donor.path),
        },
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def donor_edit(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    donor = sel.donor_get(user=user, public_id=public_id)
    if not can(user, Perm.DONATION_MANAGE, path=donor.path):
        raise PermissionDenied
    fields = ("kind", "name", "disclosure", "credit_code", "contact_name", "note")
    form = DonorForm(request.POST or None, initial={f: getattr(donor, f) for f in fields})

    def write(data):
        changes = {k: v for k, v in data.items() if k != "contact_phone" or v}
        changes["disclosure"] = changes["disclosure"] or donor.disclosure
        return donor_services.donor_update(actor=user, donor=donor, **changes)

    return form_page(
        request,
        form,
        title=_("修改捐赠者：%(n)s") % {"n": donor.name},
        back=donor.get_absolute_url(),
        done=_("已保存"),
        write=write,
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def donor_reveal(request: HttpRequest, public_id) -> HttpResponse:
    """The donor's contact number for a stated reason (audited); never cached."""
    donor = sel.donor_get(user=request.user, public_id=public_id)
    if not can(request.user, Perm.DONATION_MANAGE, path=donor.path):
        raise PermissionDenied
    form = RevealForm(request.POST or None)
    value = None
    if request.method == "POST" and form.is_valid():
        try:
            value = donor_services.donor_reveal_phone(
                actor=request.user,
                donor=donor,
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            put_errors(form, exc)
    response = render(
        request, "supplies/donors/reveal.html", {"donor": donor, "form": form, "value": value}
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Donations --------------------------------------------------------------------------


@supplies_page
def donation_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:60]
    status = request.GET.get("status") or ""
    status = status if status in sel.STATUSES else ""
    page = _with_status(page_of(sel.donation_list(user=request.user, q=q, status=status), request))
    return render(
        request,
        "supplies/donations/list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "statuses": [(s, sel.status_label(s)) for s in sel.STATUSES],
            "can_manage": has_perm(request.user, Perm.DONATION_MANAGE),
        },
    )


def _with_status(page):
    for donation in page.object_list:
        donation.status_code = sel.status_of(donation)
    return page


def _line_inputs(formset) -> tuple[list[services.LineInput], list[int]]:
    inputs, rows = [], []
    for index, data in formset.filled():
        inputs.append(
            services.LineInput(
                item=data.get("item"),
                quantity=data.get("quantity"),
                unit=data.get("unit") or (data["item"].base_unit if data.get("item") else None),
                declared_value=data.get("declared_value"),
                lot_code=data.get("lot_code") or "",
                expires_on=data.get("expires_on"),
            )
        )
        rows.append(index)
    return inputs, rows


@supplies_page
@require_http_methods(["GET", "POST"])
def donation_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.DONATION_MANAGE)
    items = item_list(user=user, active=True)
    form = DonationForm(
        request.POST or None,
        donors=sel.donor_list(user=user).order_by("name"),
        regions=regions_for(user, Perm.DONATION_MANAGE),
        initial={"donor": request.GET.get("donor")},
    )
    formset = donation_line_formset(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        data = form.cleaned_data
        lines, rows = _line_inputs(formset)
        try:
            donation = services.donation_create(
                actor=user,
                donor=data["donor"],
                pledged_on=data["pledged_on"],
                lines=lines,
                region=data["region"],
                cash_pledged=data["cash_pledged"],
                purpose=data["purpose"],
                note=data["note"],
            )
        except ValidationError as exc:
            put_errors(form, exc, formset=formset, rows=rows)
        else:
            messages.success(request, _("已登记捐赠"))
            return redirect("supplies:donation_detail", public_id=donation.public_id)
    failed = bool(form.errors or any(f.errors for f in formset.forms))
    return render(
        request,
        "supplies/donations/create.html",
        {"form": form, "formset": formset},
        status=422 if failed else 200,
    )


@supplies_page
def donation_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    donation = sel.donation_get(user=user, public_id=public_id)
    view = sel.donation_view(donation)
    manage = can(user, Perm.DONATION_MANAGE, path=donation.path)
    keeper_of = [w for w in warehouse_list(user=user, active=True) if is_keeper(user, w)]
    return render(
        request,
        "supplies/donations/detail.html",
        {
            "view": view,
            "donation": donation,
            "status_label": sel.status_label(view.status),
            "can_manage": manage and view.status != "cancelled",
            "can_receive": bool(keeper_of)
            and view.status in ("pledged", "partly_received")
            and view.open_lines,
            "can_cash": manage and view.cash_outstanding > 0 and view.status != "cancelled",
            "can_cancel": manage and view.status == "pledged",
        },
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def donation_line_add(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    donation = sel.donation_get(user=user, public_id=public_id)
    if not can(user, Perm.DONATION_MANAGE, path=donation.path):
        raise PermissionDenied
    form = DonationLineForm(request.POST or None, items=item_list(user=user, active=True))
    form.fields["item"].required = True
    form.fields["quantity"].required = True

    def write(data):
        services.donation_line_add(
            actor=user,
            donation=donation,
            line=services.LineInput(**{**data, "unit": data["unit"] or data["item"].base_unit}),
        )
        return donation

    return form_page(
        request,
        form,
        title=_("增加捐赠物资"),
        back=donation.get_absolute_url(),
        done=_("已增加物资"),
        write=write,
        errors=_line_errors_onto,
    )


def _line_errors_onto(form, exc: ValidationError) -> None:
    """`lines.N.field` errors of a one-line service call onto a plain form."""
    if hasattr(exc, "error_dict"):
        exc = ValidationError(
            {key.rsplit(".", 1)[-1]: errors for key, errors in exc.error_dict.items()}
        )
    put_errors(form, exc)


@supplies_page
@require_http_methods(["GET", "POST"])
def donation_receive(request: HttpRequest, public_id) -> HttpResponse:
    """A keeper records goods of this donation arriving at one of her warehouses."""
    user = request.user
    donation = sel.donation_get(user=user, public_id=public_id)
    warehouses = [w for w in warehouse_list(user=user, active=True) if is_keeper(user, w)]
    if not warehouses:
        raise PermissionDenied
    view = sel.donation_view(donation)
    open_lines = view.open_lines
    form = ReceiveForm(
        request.POST or None,
        warehouses=warehouse_list(user=user, active=True).filter(pk__in=[w.pk for w in warehouses]),
    )
    line_forms = [
        ReceiveLineForm(
            request.POST or None,
            prefix=f"l{index}",
            initial={
                "quantity": "",
                "unit": v.line.unit.code,
                "lot_code": v.line.lot_code,
                "expires_on": v.line.expires_on,
            },
        )
        for index, v in enumerate(open_lines)
    ]
    for line_form in line_forms:
        line_form.fields["quantity"].required = False
    if request.method == "POST" and form.is_valid() & all([f.is_valid() for f in line_forms]):  # noqa: C419 - validate every form
        inputs, rows = [], []
        for index, (v, line_form) in enumerate(zip(open_lines, line_forms, strict=True)):
            data = line_form.cleaned_data
            if not (data.get("quantity") or "").strip():
                continue
            inputs.append(
                services.ReceiveInput(
                    line=v.line,
                    quantity=data["quantity"],
                    unit=data.get("unit") or v.line.unit,
                    lot_code=data.get("lot_code"),
                    expires_on=data.get("expires_on"),
                )
            )
            rows.append(index)
        try:
            services.donation_receive(
                actor=user,
                donation=donation,
                warehouse=form.cleaned_data["warehouse"],
                lines=inputs,
                received_at=form.cleaned_data["received_at"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            put_errors(form, exc, formset=_Rows(line_forms), rows=rows)
        else:
            messages.success(request, _("已入库"))
            return redirect("supplies:donation_detail", public_id=donation.public_id)
    failed = bool(form.errors or any(f.errors for f in line_forms))
    return render(
        request,
        "supplies/donations/receive.html",
        {
            "donation": donation,
            "form": form,
            "rows": list(zip(open_lines, line_forms, strict=True)),
        },
        status=422 if failed else 200,
    )


class _Rows:
    """Line forms seen as a formset by `put_errors`."""

    def __init__(self, forms):
        self.forms = forms


@supplies_page
@require_http_methods(["GET", "POST"])
def donation_cash(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    donation = sel.donation_get(user=user, public_id=public_id)
    accounts = account_list(user=user).filter(active=True)
    mine = [a.pk for a in accounts if can(user, Perm.DONATION_MANAGE, path=a.path)]
    if not can(user, Perm.DONATION_MANAGE, path=donation.path) or not mine:
        raise PermissionDenied
    form = CashReceiveForm(request.POST or None, accounts=accounts.filter(pk__in=mine))

    def write(data):
        cash_services.donation_cash_receive(actor=user, donation=donation, **data)
        return donation

    return form_page(
        request,
        form,
        title=_("登记捐款到账：%(d)s") % {"d": donation.donor.name},
        back=donation.get_absolute_url(),
        done=_("已登记到账"),
        write=write,
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def donation_cancel(request: HttpRequest, public_id) -> HttpResponse:
    """Confirm (GET) and withdraw (POST) a pledge of which nothing arrived."""
    user = request.user
    donation = sel.donation_get(user=user, public_id=public_id)
    if not can(user, Perm.DONATION_MANAGE, path=donation.path):
        raise PermissionDenied
    return form_page(
        request,
        CancelForm(request.POST or None),
        title=_("撤销捐赠"),
        back=donation.get_absolute_url(),
        done=_("已撤销该捐赠"),
        write=lambda data: services.donation_cancel(actor=user, donation=donation, **data),
        template="supplies/confirm.html",
        message=_("撤销后该认捐不再计入统计，也不能再入库。确定撤销吗？"),
        danger=True,
    )


@supplies_page
def donation_acknowledgement(request: HttpRequest, public_id) -> HttpResponse:
    """The numbered acknowledgement (捐赠回执) as a Word document."""
    from bastion.supplies.acknowledgement import acknowledgement_response

    donation = sel.donation_get(user=request.user, public_id=public_id)
    return acknowledgement_response(request, donation)
