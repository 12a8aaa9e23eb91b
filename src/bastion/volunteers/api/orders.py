"""Service orders: list, enter (staff), detail, dispatch, accept, give back, done, cancel,
and the requester's single-use rating link.

No `from __future__ import annotations`: @paginate reads the runtime annotations.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from bastion.core.pagination import PageNumberPagination
from bastion.people.models import Person
from bastion.volunteers.api.common import api_user, refusals, region_by_code
from bastion.volunteers.api.schemas import (
    OrderIn,
    OrderOut,
    RatingLinkOut,
    VolunteersDispatchIn,
    VolunteersNoteIn,
    VolunteersReasonIn,
)
from bastion.volunteers.models import OrderStatus
from bastion.volunteers.selectors.orders import order_get, order_list
from bastion.volunteers.selectors.people import volunteer_of_user
from bastion.volunteers.services import orders as order_services

router = Router(tags=["volunteers"])


@router.get("/orders", response=list[OrderOut])
@paginate(PageNumberPagination, page_size=50)
def list_orders(request, status: str = "", mine: bool = False):
    """Orders in the caller's scope; a volunteer sees the open orders of their community
    and their own. `status` open, assigned, done or cancelled; `mine` the caller's."""
    user = api_user(request)
    qs = order_list(user=user).order_by("-created_at", "-id")
    if status:
        if status not in OrderStatus.values:
            raise ValidationError({"status": [_("未知状态：%(s)s") % {"s": status}]})
        qs = qs.filter(status=status)
    if mine:
        volunteer = volunteer_of_user(user)
        q = Q(volunteer_user=user)
        if volunteer is not None:
            q |= Q(volunteer=volunteer.person)
        qs = qs.filter(q)
    return qs


@router.post("/orders", response={201: OrderOut})
def create_order(request, payload: OrderIn):
    """Community staff record a resident's request (by phone or at the desk)."""
    user = api_user(request)
    order = order_services.order_create(
        actor=user,
        community=region_by_code(payload.community, field="community"),
        kind=payload.kind,
        detail=payload.detail,
        requester_name=payload.requester_name,
        requester_phone=payload.requester_phone,
        address=payload.address,
    )
    return Status(201, order_get(user=user, public_id=order.public_id))


@router.get("/orders/{public_id}", response=OrderOut)
def get_order(request, public_id: UUID):
    return order_get(user=api_user(request), public_id=public_id)


def _then(user, public_id, call):
    order = order_get(user=user, public_id=public_id)
    with refusals():
        call(order)
    return order_get(user=user, public_id=public_id)


@router.post("/orders/{public_id}/dispatch", response=OrderOut)
def dispatch(request, public_id: UUID, payload: VolunteersDispatchIn):
    user = api_user(request)
    person = Person.objects.filter(public_id=payload.person).first()
    if person is None:
        raise ValidationError({"person": [_("该人员不存在")]})
    return _then(
        user, public_id, lambda o: order_services.order_dispatch(actor=user, order=o, person=person)
    )


@router.post("/orders/{public_id}/accept", response=OrderOut)
def accept(request, public_id: UUID):
    """接单: the first volunteer wins; later ones get 409 order_taken."""
    user = api_user(request)
    return _then(user, public_id, lambda o: order_services.order_accept(actor=user, order=o))


@router.post("/orders/{public_id}/release", response=OrderOut)
def release(request, public_id: UUID, payload: VolunteersReasonIn):
    user = api_user(request)
    return _then(
        user,
        public_id,
        lambda o: order_services.order_release(actor=user, order=o, reason=payload.reason),
    )


@router.post("/orders/{public_id}/done", response=OrderOut)
def done(request, public_id: UUID, payload: VolunteersNoteIn):
    user = api_user(request)
    return _then(
        user, public_id, lambda o: order_services.order_done(actor=user, order=o, note=payload.note)
    )


@router.post("/orders/{public_id}/cancel", response=OrderOut)
def cancel(request, public_id: UUID, payload: VolunteersReasonIn):
    user = api_user(request)
    return _then(
        user,
        public_id,
        lambda o: order_services.order_cancel(actor=user, order=o, reason=payload.reason),
    )


@router.post("/orders/{public_id}/rating-link", response=RatingLinkOut)
def rating_link(request, response: HttpResponse, public_id: UUID):
    """A new single-use rating link for the requester; `no-store` keeps it out of
    caches and idempotency records."""
    response["Cache-Control"] = "no-store"
    user = api_user(request)
    order = order_get(user=user, public_id=public_id)
    with refusals():
        token = order_services.order_rating_link_issue(actor=user, order=order)
    return {
        "rating_url": request.build_absolute_uri(reverse("volunteers_public:rate", args=[token]))
    }
