"""Warehouses, stock on hand, the ledger and its export, adjustments, write-offs,
transfers and corrections."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.supplies.exports import ledger_rows, ledger_workbook
from bastion.supplies.forms.stock import (
    AdjustForm,
    CorrectForm,
    LedgerFilterForm,
    TransferForm,
    WarehouseForm,
    WriteOffForm,
    transfer_line_formset,
)
from bastion.supplies.models import Lot, MoveKind
from bastion.supplies.selectors import stock as sel
from bastion.supplies.selectors.catalogue import item_list
from bastion.supplies.selectors.common import regions_for
from bastion.supplies.services import stock as services
from bastion.supplies.services.common import can, is_keeper
from bastion.supplies.services.stock import CORRECTABLE
from bastion.supplies.views.common import (
    form_page,
    page_of,
    put_errors,
    require_perm,
    supplies_page,
)

LEDGER_PAGE = 100


@supplies_page
def warehouse_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    warehouses = list(sel.warehouse_list(user=user).prefetch_related("keepers"))
    rows = sel.stock_rows(sel.move_list(user=user))
    for warehouse in warehouses:
        warehouse.item_count = sum(1 for r in rows if r.warehouses.get(warehouse.pk, 0) > 0)
    return render(
        request,
        "supplies/warehouses/list.html",
        {
            "warehouses": warehouses,
            "rows": rows,
            "can_manage": has_perm(user, Perm.DONATION_MANAGE),
        },
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def warehouse_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.DONATION_MANAGE)
    form = WarehouseForm(
        request.POST or None,
        regions=regions_for(user, Perm.DONATION_MANAGE),
        keepers=sel.keeper_candidates(user),
    )
    return form_page(
        request,
        form,
        title=_("新建仓库"),
        back=reverse("supplies:warehouse_list"),
        done=_("已新建仓库"),
        write=lambda data: services.warehouse_create(
            actor=user, **{**data, "keepers": list(data["keepers"])}
        ),
    )


@supplies_page
def warehouse_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    warehouse = sel.warehouse_get(user=user, public_id=public_id)
    moves = sel.move_list(user=user, warehouse=warehouse)
    return render(
        request,
        "supplies/warehouses/detail.html",
        {
            "warehouse": warehouse,
            "keepers": warehouse.keepers.all(),
            "rows": sel.stock_rows(moves),
            "lots": sel.lot_rows(warehouse),
            "recent": list(moves.order_by("-at", "-id")[:15]),
            "is_keeper": is_keeper(user, warehouse),
            "can_manage": can(user, Perm.DONATION_MANAGE, path=warehouse.path),
        },
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def warehouse_edit(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    warehouse = sel.warehouse_get(user=user, public_id=public_id)
    if not can(user, Perm.DONATION_MANAGE, path=warehouse.path):
        raise PermissionDenied
    form = WarehouseForm(
        request.POST or None,
        keepers=sel.keeper_candidates(user),
        editing=True,
        initial={
            "name": warehouse.name,
            "address": warehouse.address,
            "keepers": [u.public_id for u in warehouse.keepers.all()],
            "active": warehouse.active,
        },
    )
    return form_page(
        request,
        form,
        title=_("修改仓库：%(n)s") % {"n": warehouse.name},
        back=warehouse.get_absolute_url(),
        done=_("已保存"),
        write=lambda data: services.warehouse_update(
            actor=user, warehouse=warehouse, **{**data, "keepers": list(data["keepers"])}
        ),
    )


def _keeper_warehouse(request, public_id):
    warehouse = sel.warehouse_get(user=request.user, public_id=public_id)
    if not is_keeper(request.user, warehouse):
        raise PermissionDenied
    return warehouse


def _stock_lots(warehouse):
    return Lot.objects.filter(pk__in=[r.lot.pk for r in sel.lot_rows(warehouse)]).select_related(
        "item"
    )


def _stock_entry(request, public_id, form_class, *, title: str, done: str, write):
    """A keeper's one-item ledger form (adjustment, write-off): `write(warehouse, data)`
    calls the service."""
    warehouse = _keeper_warehouse(request, public_id)
    form = form_class(
        request.POST or None,
        items=item_list(user=request.user, active=True),
        lots=_stock_lots(warehouse),
    )
    return form_page(
        request,
        form,
        title=title % {"w": warehouse.name},
        back=warehouse.get_absolute_url(),
        done=done,
        write=lambda data: write(warehouse, data) and None,
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def stock_adjust(request: HttpRequest, public_id) -> HttpResponse:
    def write(warehouse, data):
        services.stock_adjust(
            actor=request.user,
            warehouse=warehouse,
            item=data["item"],
            quantity=data["quantity"],
            unit=data["unit"],
            increase=data["direction"] == "increase",
            reason=data["reason"],
            lot=data["lot"],
        )

    return _stock_entry(
        request, public_id, AdjustForm,
        title=_("盘点调整：%(w)s"), done=_("已登记盘点调整"), write=write,
    )  # fmt: skip


@supplies_page
@require_http_methods(["GET", "POST"])
def stock_write_off(request: HttpRequest, public_id) -> HttpResponse:
    def write(warehouse, data):
        services.stock_write_off(
            actor=request.user,
            warehouse=warehouse,
            item=data["item"],
            quantity=data["quantity"],
            unit=data["unit"],
            kind=data["kind"],
            reason=data["reason"],
            lot=data["lot"],
        )

    return _stock_entry(
        request, public_id, WriteOffForm,
        title=_("报损：%(w)s"), done=_("已登记报损"), write=write,
    )  # fmt: skip


@supplies_page
@require_http_methods(["GET", "POST"])
def stock_transfer(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    warehouse = _keeper_warehouse(request, public_id)
    form = TransferForm(
        request.POST or None,
        targets=sel.warehouse_list(user=user, active=True).exclude(pk=warehouse.pk),
    )
    formset = transfer_line_formset(request.POST or None, items=item_list(user=user, active=True))
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        lines, rows = [], []
        for index, data in formset.filled():
            lines.append(
                services.TransferLine(
                    item=data.get("item"),
                    quantity=data.get("quantity"),
                    unit=data.get("unit") or (data["item"].base_unit if data.get("item") else None),
                )
            )
            rows.append(index)
        try:
            transfer = services.stock_transfer(
                actor=user,
                source=warehouse,
                target=form.cleaned_data["target"],
                lines=lines,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            put_errors(form, exc, formset=formset, rows=rows)
        else:
            messages.success(request, _("已调拨：%(n)s") % {"n": transfer.number})
            return redirect(transfer.get_absolute_url())
    failed = bool(form.errors or any(f.errors for f in formset.forms))
    return render(
        request,
        "supplies/warehouses/transfer.html",
        {"warehouse": warehouse, "form": form, "formset": formset},
        status=422 if failed else 200,
    )


def _ledger_filters(request):
    user = request.user
    form = LedgerFilterForm(
        request.GET or None,
        warehouses=sel.warehouse_list(user=user),
        items=item_list(user=user),
    )
    filters = form.cleaned_data if form.is_valid() else {}

    def bound(day, end=False):
        if not day:
            return None
        moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
        return timezone.make_aware(moment)

    moves = sel.move_list(
        user=user,
        warehouse=filters.get("warehouse"),
        item=filters.get("item"),
        kind=filters.get("kind") or "",
        since=bound(filters.get("since")),
        until=bound(filters.get("until"), end=True),
    )
    return form, filters, moves


@supplies_page
def ledger(request: HttpRequest) -> HttpResponse:
    """Every ledger entry in the user's scope, filterable, newest first, with totals."""
    form, _filters, moves = _ledger_filters(request)
    page = page_of(moves.order_by("-at", "-id"), request, size=LEDGER_PAGE)
    return render(
        request,
        "supplies/ledger/list.html",
        {
            "form": form,
            "page": page,
            "rows": sel.stock_rows(moves),
            "query": request.GET.urlencode(),
        },
    )


@supplies_page
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The filtered ledger as .xlsx for auditors (scope and as-of in the file, audited)."""
    _form, filters, moves = _ledger_filters(request)
    return ledger_workbook(request=request, moves=moves, filters=filters, rows=ledger_rows)


@supplies_page
@require_http_methods(["GET", "POST"])
def move_detail(request: HttpRequest, public_id) -> HttpResponse:
    """One ledger entry with its chain of corrections; a keeper corrects it here."""
    user = request.user
    move = sel.move_get(user=user, public_id=public_id)
    chain = sel.move_chain(move)
    correctable = move.kind in CORRECTABLE and is_keeper(user, move.warehouse)
    form = CorrectForm(request.POST or None)
    if request.method == "POST":
        if not correctable:
            raise PermissionDenied
        if form.is_valid():
            try:
                correction = services.stock_move_correct(
                    actor=user,
                    move=move,
                    quantity=form.cleaned_data["quantity"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("已更正（新增一条更正记录）"))
                return redirect(correction.get_absolute_url())
    return render(
        request,
        "supplies/ledger/detail.html",
        {
            "move": move,
            "chain": chain,
            "effective": sum(m.quantity for m in chain),
            "form": form if correctable else None,
            "kinds": MoveKind,
        },
        status=422 if form.errors else 200,
    )


@supplies_page
def transfer_detail(request: HttpRequest, public_id) -> HttpResponse:
    transfer = sel.transfer_get(user=request.user, public_id=public_id)
    moves = transfer.moves.select_related("item__base_unit", "lot", "warehouse").order_by("id")
    return render(
        request, "supplies/warehouses/transfer_detail.html", {"transfer": transfer, "moves": moves}
    )
