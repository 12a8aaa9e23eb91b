"""Allocations: request, decide, issue, confirm receipt; each page shows what the user's
side may do next and the trace of every issued quantity back to its donation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.supplies.forms.allocations import (
    AllocationFilterForm,
    AllocationForm,
    ConfirmForm,
    DecideForm,
    IssueForm,
    request_line_formset,
)
from bastion.supplies.forms.donations import CancelForm
from bastion.supplies.models import APPROVED_STATUSES, AllocationLine, AllocationStatus, Lot
from bastion.supplies.selectors import allocations as sel
from bastion.supplies.selectors.catalogue import item_list
from bastion.supplies.selectors.ledger import shipment_issued
from bastion.supplies.selectors.recipients import recipient_choices, recipient_from
from bastion.supplies.selectors.stock import lot_rows, move_list, stock_rows, warehouse_list
from bastion.supplies.services import allocations as services
from bastion.supplies.services.common import is_keeper
from bastion.supplies.views.common import (
    form_page,
    page_of,
    put_errors,
    require_perm,
    supplies_page,
)


@supplies_page
def allocation_list(request: HttpRequest) -> HttpResponse:
    form = AllocationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = sel.allocation_list(
        user=request.user,
        status=filters.get("status") or "",
        q=filters.get("q") or "",
        todo=filters.get("todo") or "",
    )
    return render(
        request,
        "supplies/allocations/list.html",
        {
            "form": form,
            "page": page_of(qs, request),
            "can_request": has_perm(request.user, Perm.ALLOCATION_REQUEST),
        },
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def allocation_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.ALLOCATION_REQUEST)
    form = AllocationForm(
        request.POST or None, recipients=recipient_choices(user, Perm.ALLOCATION_REQUEST)
    )
    formset = request_line_formset(request.POST or None, items=item_list(user=user, active=True))
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        data = form.cleaned_data
        lines, rows = [], []
        for index, row in formset.filled():
            lines.append(
                services.RequestLine(
                    item=row.get("item"),
                    quantity=row.get("quantity"),
                    unit=row.get("unit") or (row["item"].base_unit if row.get("item") else None),
                    note=row.get("note") or "",
                )
            )
            rows.append(index)
        try:
            allocation = services.allocation_request(
                actor=user,
                recipient=recipient_from(user, Perm.ALLOCATION_REQUEST, data["recipient"]),
                lines=lines,
                reason=data["reason"],
                needed_by=data["needed_by"],
                disclose_recipient=data["disclose_recipient"],
            )
        except ValidationError as exc:
            put_errors(form, exc, formset=formset, rows=rows)
        else:
            messages.success(request, _("已提交申请：%(n)s") % {"n": allocation.number})
            return redirect(allocation.get_absolute_url())
    failed = bool(form.errors or any(f.errors for f in formset.forms))
    return render(
        request,
        "supplies/allocations/create.html",
        {"form": form, "formset": formset},
        status=422 if failed else 200,
    )


@supplies_page
def allocation_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    allocation = sel.allocation_get(user=user, public_id=public_id)
    view = sel.allocation_view(allocation)
    recipient_side = services.can_request_for(user, allocation)
    keeper = allocation.warehouse_id is not None and is_keeper(user, allocation.warehouse)
    return render(
        request,
        "supplies/allocations/detail.html",
        {
            "view": view,
            "allocation": allocation,
            "progress": sel.progress_label(view.progress),
            "can_decide": allocation.status == AllocationStatus.REQUESTED
            and services.can_approve(user, allocation),
            "can_issue": keeper
            and allocation.status in APPROVED_STATUSES
            and any(v.to_issue > 0 for v in view.lines),
            "can_confirm": recipient_side,
            "can_cancel": (recipient_side or services.can_approve(user, allocation))
            and allocation.status in (AllocationStatus.REQUESTED, *APPROVED_STATUSES)
            and not view.shipments,
        },
    )


def _approved_unit(view):
    return view.line.unit


def _base_unit(view):
    return view.line.item.base_unit


@supplies_page
@require_http_methods(["GET", "POST"])
def allocation_decide(request: HttpRequest, public_id) -> HttpResponse:
    """The command approves each line fully, partly or not (0) and names the warehouse;
    the page shows what every warehouse in scope holds of each item."""
    user = request.user
    allocation = sel.allocation_get(user=user, public_id=public_id)
    if not services.can_approve(user, allocation):
        raise PermissionDenied
    view = sel.allocation_view(allocation)
    warehouses = warehouse_list(user=user, active=True)
    form = DecideForm(
        request.POST or None,
        views=view.lines,
        initial_of=lambda v: v.line.quantity,
        unit_of=_approved_unit,
        warehouses=warehouses,
    )
    if request.method == "POST" and form.is_valid():
        approvals = [
            services.Approval(line=v.line, quantity=q or "0", unit=v.line.unit)
            for v, q, _lot, _note in form.rows()
        ]
        try:
            services.allocation_decide(
                actor=user,
                allocation=allocation,
                approvals=approvals,
                warehouse=form.cleaned_data["warehouse"],
                note=form.cleaned_data["decision_note"],
            )
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("已审批"))
            return redirect(allocation.get_absolute_url())
    items = [v.line.item_id for v in view.lines]
    stock = stock_rows(move_list(user=user).filter(item_id__in=items, warehouse__in=warehouses))
    by_item = {row.item.pk: row for row in stock}
    return render(
        request,
        "supplies/allocations/decide.html",
        {
            "allocation": allocation,
            "view": view,
            "form": form,
            "warehouses": list(warehouses),
            "stock": [(v, by_item.get(v.line.item_id)) for v in view.lines],
        },
        status=422 if form.errors else 200,
    )


def _errors_onto(form, exc: ValidationError) -> None:
    """`lines.N.quantity` / `lines.N.note` onto the per-line fields of a PerLineForm."""
    if not hasattr(exc, "error_dict"):
        put_errors(form, exc)
        return
    mapped = {}
    for key, errors in exc.error_dict.items():
        parts = key.split(".")
        name = key
        if parts[0] == "lines" and len(parts) == 3:
            try:
                name = form.field_of(int(parts[1]), parts[2]) or None
            except (ValueError, IndexError):
                name = None
        mapped.setdefault(name or "__all__", []).extend(errors)
    put_errors(form, ValidationError(mapped))


@dataclass
class _ShipmentLine:
    line: AllocationLine
    issued: Decimal


@supplies_page
@require_http_methods(["GET", "POST"])
def shipment_issue(request: HttpRequest, public_id) -> HttpResponse:
    """A keeper issues what is approved: first-in-first-out, or a chosen lot per line."""
    user = request.user
    allocation = sel.allocation_get(user=user, public_id=public_id)
    if allocation.warehouse_id is None or not is_keeper(user, allocation.warehouse):
        raise PermissionDenied
    view = sel.allocation_view(allocation)
    open_views = [v for v in view.lines if v.to_issue > 0]
    lots = defaultdict(list)
    for row in lot_rows(allocation.warehouse):
        lots[row.lot.item_id].append(row)
    form = IssueForm(
        request.POST or None,
        views=open_views,
        initial_of=lambda v: v.to_issue,
        unit_of=_base_unit,
        lots=lots,
    )
    if request.method == "POST" and form.is_valid():
        chosen = {
            str(lot.public_id): lot for lot in Lot.objects.filter(warehouse=allocation.warehouse)
        }
        lines = [
            services.IssueLine(
                line=v.line,
                quantity=q or "0",
                unit=v.line.item.base_unit,
                lot=chosen.get(lot) if lot else None,
            )
            for v, q, lot, _note in form.rows()
        ]
        try:
            shipment = services.shipment_issue(
                actor=user, allocation=allocation, lines=lines, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("已出库：%(n)s") % {"n": shipment.number})
            return redirect(allocation.get_absolute_url())
    return render(
        request,
        "supplies/allocations/issue.html",
        {"allocation": allocation, "form": form, "views": open_views, "lots": lots},
        status=422 if form.errors else 200,
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def shipment_confirm(request: HttpRequest, public_id) -> HttpResponse:
    """The receiving unit confirms what arrived of one shipment; less than issued needs a
    reason, which stays on the record."""
    user = request.user
    shipment = sel.shipment_get(user=user, public_id=public_id)
    allocation = shipment.allocation
    if not services.can_request_for(user, allocation):
        raise PermissionDenied
    if shipment.received_at is not None:
        messages.info(request, _("该出库单已确认收货"))
        return redirect(allocation.get_absolute_url())
    issued = shipment_issued(shipment.pk)
    lines = AllocationLine.objects.filter(pk__in=list(issued)).select_related(
        "item__base_unit", "unit"
    )
    views = [_ShipmentLine(line, issued[line.pk]) for line in sorted(lines, key=lambda x: x.pk)]
    form = ConfirmForm(
        request.POST or None, views=views, initial_of=lambda v: v.issued, unit_of=_base_unit
    )
    if request.method == "POST" and form.is_valid():
        received = [
            services.ReceivedLine(
                line=v.line, quantity=q or "0", unit=v.line.item.base_unit, note=note
            )
            for v, q, _lot, note in form.rows()
        ]
        try:
            services.shipment_confirm(
                actor=user, shipment=shipment, lines=received, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("已确认收货"))
            return redirect(allocation.get_absolute_url())
    return render(
        request,
        "supplies/allocations/confirm.html",
        {"allocation": allocation, "shipment": shipment, "form": form, "views": views},
        status=422 if form.errors else 200,
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def allocation_cancel(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    allocation = sel.allocation_get(user=user, public_id=public_id)
    if not (services.can_request_for(user, allocation) or services.can_approve(user, allocation)):
        raise PermissionDenied
    return form_page(
        request,
        CancelForm(request.POST or None),
        title=_("撤回物资申请 %(n)s") % {"n": allocation.number},
        back=allocation.get_absolute_url(),
        done=_("已撤回申请"),
        write=lambda data: services.allocation_cancel(actor=user, allocation=allocation, **data),
        template="supplies/confirm.html",
        message=_("撤回后不能再审批或出库。确定撤回吗？"),
        danger=True,
    )
