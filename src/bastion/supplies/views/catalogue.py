"""The item catalogue: items with their base unit, conversions and reference price; units."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.supplies.forms.catalogue import ItemForm, ItemUnitForm, UnitForm
from bastion.supplies.models import Category
from bastion.supplies.selectors.catalogue import item_get, unit_list
from bastion.supplies.selectors.catalogue import item_list as items_of
from bastion.supplies.selectors.stock import stock_rows
from bastion.supplies.selectors.summary import scoped_sources
from bastion.supplies.services import catalogue as services
from bastion.supplies.services.common import item_units
from bastion.supplies.views.common import (
    form_page,
    page_of,
    put_errors,
    require_perm,
    supplies_page,
)


@supplies_page
def item_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:60]
    category = request.GET.get("category") or ""
    category = category if category in Category.values else ""
    page = page_of(items_of(user=request.user, q=q, category=category), request, size=50)
    return render(
        request,
        "supplies/items/list.html",
        {
            "page": page,
            "q": q,
            "category": category,
            "categories": Category.choices,
            "units": unit_list(),
            "can_manage": has_perm(request.user, Perm.DONATION_MANAGE),
        },
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.DONATION_MANAGE)
    return form_page(
        request,
        ItemForm(request.POST or None),
        title=_("新增物资"),
        back=reverse("supplies:item_list"),
        done=_("已加入物资目录"),
        write=lambda data: services.item_create(actor=request.user, **data),
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def item_detail(request: HttpRequest, public_id) -> HttpResponse:
    """An item: its units and conversions (add one here), stock in the user's scope."""
    user = request.user
    item = item_get(user=user, public_id=public_id)
    can_manage = has_perm(user, Perm.DONATION_MANAGE)
    form = ItemUnitForm(request.POST or None)
    if request.method == "POST":
        require_perm(user, Perm.DONATION_MANAGE)
        if form.is_valid():
            try:
                services.item_unit_add(
                    actor=user,
                    item=item,
                    unit=form.cleaned_data["unit"],
                    factor=form.cleaned_data["factor"],
                )
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("已添加换算"))
                return redirect(item.get_absolute_url())
    stock = stock_rows(scoped_sources(user).moves.filter(item=item))
    return render(
        request,
        "supplies/items/detail.html",
        {
            "item": item,
            "units": item_units(item),
            "conversions": item.conversions.select_related("unit"),
            "stock": stock[0] if stock else None,
            "form": form,
            "can_manage": can_manage,
        },
        status=422 if form.errors else 200,
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    item = item_get(user=user, public_id=public_id)
    require_perm(user, Perm.DONATION_MANAGE)
    initial = {f: getattr(item, f) for f in ("name", "spec", "category", "active")}
    initial["reference_price"] = item.reference_price if item.reference_price is not None else ""
    return form_page(
        request,
        ItemForm(request.POST or None, initial=initial, editing=True),
        title=_("修改物资：%(n)s") % {"n": item.name},
        back=item.get_absolute_url(),
        done=_("已保存"),
        write=lambda data: services.item_update(actor=user, item=item, **data),
    )


@supplies_page
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.DONATION_MANAGE)
    return form_page(
        request,
        UnitForm(request.POST or None),
        title=_("新增计量单位"),
        back=reverse("supplies:item_list"),
        done=_("已新增单位"),
        write=lambda data: services.unit_create(actor=request.user, **data) and None,
    )
