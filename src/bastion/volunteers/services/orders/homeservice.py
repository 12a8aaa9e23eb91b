"""Orders that came from monitoring's home services stay in step with the request there:
done here marks the request done through monitoring's own service; done or cancelled
there closes the order here (docs/decisions/0043)."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.services import notify
from bastion.core.audit import Action, audit_record
from bastion.geo.models import Level, Region
from bastion.volunteers.models import OrderKind, OrderSource, OrderStatus, ServiceOrder
from bastion.volunteers.models.orders import OPEN_ORDER_STATUSES
from bastion.volunteers.selectors.places import community_of
from bastion.volunteers.services.orders.common import _repr, _save_new, order_link

# monitoring's ServiceKind -> ours; a doctor's visit stays with the responsibility team.
HOME_SERVICE_KINDS = {"groceries": OrderKind.GROCERIES, "medicine": OrderKind.MEDICINE,
                      "other": OrderKind.OTHER}  # fmt: skip


def _home_service_address(observation) -> str:
    household = getattr(observation, "household", None)
    person = observation.person
    parts = []
    if household is not None:
        address = getattr(household, "address", None)
        parts.append(address.text if address is not None else household.label)
    elif person.address_text:
        parts.append(person.address_text)
    return " ".join(parts)[:200]


def order_from_home_service(*, request) -> ServiceOrder | None:
    """Called by monitoring's service_request_create (when both apps are installed): the
    home-service request of a household under observation becomes an open order of its
    community. A doctor's visit stays with the team (None). Idempotent per request."""
    kind = HOME_SERVICE_KINDS.get(request.kind)
    if kind is None:
        return None
    existing = ServiceOrder.objects.filter(home_service_ref=request.public_id).first()
    if existing is not None:
        return existing
    community = community_of(request.path)
    if community is None:
        return None
    observation = request.observation
    person = observation.person
    region = Region.objects.filter(path=request.path, level=Level.GRID).first()
    order = ServiceOrder(
        community=community,
        region=region or community,
        path=request.path,
        source=OrderSource.HOME_SERVICE,
        kind=kind,
        detail=(request.detail or "").strip()[:500] or str(OrderKind(kind).label),
        requester_name=person.name[:60],
        requester_phone_encrypted=person.phone_encrypted,
        requester_phone_masked=person.phone_masked,
        address=_home_service_address(observation),
        person=person,
        home_service_ref=request.public_id,
    )
    return _save_new(order, actor=None, notify_staff=True)


def order_follow_home_service(*, request) -> ServiceOrder | None:
    """Called by monitoring when a home-service request is done or cancelled there: the
    order follows (done or cancelled) unless it is already finished."""
    order = ServiceOrder.objects.filter(home_service_ref=request.public_id).first()
    if order is None or order.status not in OPEN_ORDER_STATUSES:
        return order
    done = request.status == "done"
    with transaction.atomic():
        old = order.status
        order.status = OrderStatus.DONE if done else OrderStatus.CANCELLED
        now = timezone.now()
        if done:
            order.done_at = now
            order.done_note = _("居家观察责任组已完成")
        else:
            order.cancelled_at = now
            order.cancel_reason = _("居家观察服务请求已取消")
        order.save()
        audit_record(
            actor=None,
            action=Action.UPDATE,
            obj=order,
            object_repr=_repr(order),
            changes={"status": [old, order.status]},
            reason="home service",
        )
        if order.volunteer_user_id:
            notify(
                recipient=order.volunteer_user,
                title=_("服务需求已由责任组处理：%(r)s") % {"r": _repr(order)},
                link=order_link(order),
            )
    return order


def _finish_home_service(order: ServiceOrder) -> None:
    """Done here: mark the monitoring request done through monitoring's own service."""
    if order.home_service_ref is None or not apps.is_installed("bastion.monitoring"):
        return
    from bastion.monitoring.services.homeservice import service_request_done_by_volunteers

    service_request_done_by_volunteers(
        public_id=order.home_service_ref,
        note=_("志愿者已完成：%(n)s") % {"n": order.done_note or "-"},
    )
