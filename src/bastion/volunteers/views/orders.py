"""Service order pages: the list (staff: everything in scope; volunteers: open orders of
their community and their own), entering an order, dispatch, accept, done, cancel, and the
requester's rating link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.access.roles import Perm
from bastion.access.scoping import has_perm
from bastion.geo.models import Region
from bastion.people.models import Person
from bastion.volunteers.forms import OrderForm, ReasonForm
from bastion.volunteers.models import OrderStatus
from bastion.volunteers.selectors.orders import (
    order_can_manage,
    order_eligibility_error,
    order_get,
    order_list,
)
from bastion.volunteers.selectors.people import community_volunteers, volunteer_of_user
from bastion.volunteers.services import orders as order_services
from bastion.volunteers.views.common import act, add_form_errors, as_uuid
from bastion.volunteers.views.tasks import qr_svg

PAGE_SIZE = 30
SHOWS = ("open", "assigned", "mine", "done", "all")


@login_required
def order_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    volunteer = volunteer_of_user(user)
    staff = has_perm(user, Perm.TASK_PUBLISH)
    show = request.GET.get("show", "open")
    if show not in SHOWS:
        show = "open"
    qs = order_list(user=user)
    if show == "open":
        qs = qs.filter(status=OrderStatus.OPEN)
    elif show == "assigned":
        qs = qs.filter(status=OrderStatus.ASSIGNED)
    elif show == "mine":
        mine = Q(volunteer_user=user)
        if volunteer is not None:
            mine |= Q(volunteer=volunteer.person)
        qs = qs.filter(mine)
    elif show == "done":
        qs = qs.filter(status=OrderStatus.DONE)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/orders/list.html",
        {"page": page, "show": show, "staff": staff, "is_volunteer": volunteer is not None},
    )


@login_required
def order_new(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, Perm.TASK_PUBLISH):
        raise PermissionDenied(_("只有社区工作人员可以登记需求"))
    form = OrderForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        community = Region.objects.filter(code=data["community"]).first()
        try:
            order = order_services.order_create(
                actor=request.user,
                community=community,
                kind=data["kind"],
                detail=data["detail"],
                requester_name=data["requester_name"],
                requester_phone=data["requester_phone"],
                address=data["address"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("已登记，可派单给志愿者"))
            return redirect("volunteers:order_detail", order.public_id)
    return render(request, "volunteers/orders/form.html", {"form": form})


@login_required
def order_detail(request: HttpRequest, public_id) -> HttpResponse:
    order = order_get(user=request.user, public_id=public_id)
    user = request.user
    can_manage = order_can_manage(user, order)
    volunteer = volunteer_of_user(user)
    is_assignee = order.volunteer_user_id == user.pk or (
        volunteer is not None and order.volunteer_id == volunteer.person.pk
    )
    context = {
        "order": order,
        "can_manage": can_manage,
        "is_assignee": is_assignee,
        "can_accept": order.status == OrderStatus.OPEN
        and not order_eligibility_error(volunteer, order),
        "q": request.GET.get("q", "").strip()[:30],
    }
    if is_assignee:
        context["phone"] = order_services.order_phone_for_assignee(actor=user, order=order)
    if can_manage and order.status == OrderStatus.OPEN:
        context["candidates"] = list(community_volunteers(order.community, q=context["q"])[:50])
    return render(request, "volunteers/orders/detail.html", context)


def _order_url(order) -> str:
    return reverse("volunteers:order_detail", args=[order.public_id])


@login_required
@require_POST
def order_dispatch(request: HttpRequest, public_id) -> HttpResponse:
    order = order_get(user=request.user, public_id=public_id)
    person = Person.objects.filter(public_id=as_uuid(request.POST.get("person"))).first()
    if person is None:
        messages.error(request, _("请选择一位志愿者"))
        return redirect(_order_url(order))
    return act(
        request,
        lambda: order_services.order_dispatch(actor=request.user, order=order, person=person),
        _("已派单"),
        _order_url(order),
    )


@login_required
@require_POST
def order_accept(request: HttpRequest, public_id) -> HttpResponse:
    order = order_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: order_services.order_accept(actor=request.user, order=order),
        _("接单成功，请尽快联系求助人"),
        _order_url(order),
    )


@login_required
@require_POST
def order_release(request: HttpRequest, public_id) -> HttpResponse:
    order = order_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: order_services.order_release(
            actor=request.user, order=order, reason=request.POST.get("reason", "")
        ),
        _("已退回，社区将重新派单"),
        _order_url(order),
    )


@login_required
@require_POST
def order_done(request: HttpRequest, public_id) -> HttpResponse:
    order = order_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: order_services.order_done(
            actor=request.user, order=order, note=request.POST.get("note", "")
        ),
        _("已完成，感谢您的服务"),
        _order_url(order),
    )


@login_required
def order_cancel(request: HttpRequest, public_id) -> HttpResponse:
    order = order_get(user=request.user, public_id=public_id)
    if not order_can_manage(request.user, order):
        raise PermissionDenied(_("只有社区工作人员可以取消需求"))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order_services.order_cancel(
                actor=request.user, order=order, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("需求已取消"))
            return redirect(_order_url(order))
    return render(request, "volunteers/orders/cancel.html", {"order": order, "form": form})


@login_required
@require_POST
def order_rating_link(request: HttpRequest, public_id) -> HttpResponse:
    """Issue a new single-use rating link and show it once (with its QR code)."""
    order = order_get(user=request.user, public_id=public_id)
    try:
        token = order_services.order_rating_link_issue(actor=request.user, order=order)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect(_order_url(order))
    link = request.build_absolute_uri(reverse("volunteers_public:rate", args=[token]))
    response = render(
        request,
        "volunteers/orders/rating_link.html",
        {"order": order, "link": link, "qr": qr_svg(link)},
    )
    response["Cache-Control"] = "no-store"
    return response
