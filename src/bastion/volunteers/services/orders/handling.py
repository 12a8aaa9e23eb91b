"""派单 (staff dispatch to a volunteer) or 接单 (a volunteer accepts from the list), then
released, done or cancelled; the requester's phone for the volunteer who took it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.access.services import notify
from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_name
from bastion.people.models import Person
from bastion.volunteers.errors import refuse
from bastion.volunteers.models import OrderStatus, ServiceOrder
from bastion.volunteers.models.orders import OPEN_ORDER_STATUSES
from bastion.volunteers.selectors.orders import order_can_manage, order_eligibility_error, order_get
from bastion.volunteers.selectors.people import volunteer_of_person, volunteer_of_user
from bastion.volunteers.services.orders.common import _lock, _notify_staff, _repr, _sync, order_link
from bastion.volunteers.services.orders.homeservice import _finish_home_service


def _assign(*, actor, order: ServiceOrder, person: Person, user, accepted: bool) -> ServiceOrder:
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != OrderStatus.OPEN:
            raise refuse("order", _("该需求已被接单或已结束"), "order_taken")
        locked.status = OrderStatus.ASSIGNED
        locked.volunteer = person
        locked.volunteer_user = user
        locked.accepted = accepted
        locked.assigned_at = timezone.now()
        locked.assigned_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            object_repr=_repr(locked),
            changes={
                "status": [OrderStatus.OPEN, OrderStatus.ASSIGNED],
                "volunteer": [None, mask_name(person.name)],
            },
            reason="accept" if accepted else "dispatch",
        )
        if not accepted and user is not None:
            notify(
                recipient=user,
                title=_("社区派单给您：%(r)s") % {"r": _repr(locked)},
                body=locked.detail,
                link=order_link(locked),
            )
    return _sync(order, locked)


def order_dispatch(*, actor, order: ServiceOrder, person: Person) -> ServiceOrder:
    """派单: staff give an open order to a volunteer of the community."""
    if not order_can_manage(actor, order):
        order_get(user=actor, public_id=order.public_id)
        raise PermissionDenied(_("只有社区工作人员可以派单"))
    volunteer = volunteer_of_person(person)
    error = order_eligibility_error(volunteer, order)
    if error:
        raise ValidationError({"person": [error]})
    return _assign(actor=actor, order=order, person=person, user=volunteer.user, accepted=False)


def order_accept(*, actor, order: ServiceOrder) -> ServiceOrder:
    """接单: a volunteer of the community takes an open order from the list (first wins)."""
    volunteer = volunteer_of_user(actor)
    error = order_eligibility_error(volunteer, order)
    if error:
        raise ValidationError({"order": [error]})
    return _assign(actor=actor, order=order, person=volunteer.person, user=actor, accepted=True)


def _is_assignee(actor, order: ServiceOrder) -> bool:
    if order.volunteer_user_id and order.volunteer_user_id == getattr(actor, "pk", None):
        return True
    volunteer = volunteer_of_user(actor)
    return volunteer is not None and order.volunteer_id == volunteer.person.pk


def order_release(*, actor, order: ServiceOrder, reason: str = "") -> ServiceOrder:
    """The volunteer gives the order back (or staff take it back): open again."""
    if not (_is_assignee(actor, order) or order_can_manage(actor, order)):
        raise Http404
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != OrderStatus.ASSIGNED:
            raise ValidationError({"order": [_("只有服务中的需求可以退回")]})
        old_user = locked.volunteer_user
        locked.status = OrderStatus.OPEN
        locked.volunteer = None
        locked.volunteer_user = None
        locked.accepted = False
        locked.assigned_at = None
        locked.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            object_repr=_repr(locked),
            changes={"status": [OrderStatus.ASSIGNED, OrderStatus.OPEN]},
            reason=(reason or "").strip()[:300],
        )
        if old_user is not None and old_user.pk != getattr(actor, "pk", None):
            notify(
                recipient=old_user,
                title=_("社区已收回派单：%(r)s") % {"r": _repr(locked)},
                link=order_link(locked),
            )
        _notify_staff(
            locked, _("需求已退回，待重新派单：%(r)s") % {"r": _repr(locked)}, actor=actor
        )
    return _sync(order, locked)


def order_done(*, actor, order: ServiceOrder, note: str = "") -> ServiceOrder:
    """The volunteer (or staff) report the order done."""
    if not (_is_assignee(actor, order) or order_can_manage(actor, order)):
        raise Http404
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != OrderStatus.ASSIGNED:
            raise ValidationError({"order": [_("只有服务中的需求可以标记完成")]})
        locked.status = OrderStatus.DONE
        locked.done_at = timezone.now()
        locked.done_note = (note or "").strip()[:300]
        locked.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            object_repr=_repr(locked),
            changes={"status": [OrderStatus.ASSIGNED, OrderStatus.DONE]},
            reason=locked.done_note,
        )
        _finish_home_service(locked)
    return _sync(order, locked)


def order_cancel(*, actor, order: ServiceOrder, reason: str) -> ServiceOrder:
    """Staff cancel an unfinished order (a monitoring request stays with its team)."""
    if not order_can_manage(actor, order):
        order_get(user=actor, public_id=order.public_id)
        raise PermissionDenied(_("只有社区工作人员可以取消需求"))
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ValidationError({"reason": [_("取消原因：请说明原因")]})
    with transaction.atomic():
        locked = _lock(order)
        if locked.status not in OPEN_ORDER_STATUSES:
            raise ValidationError({"order": [_("该需求已结束")]})
        old = locked.status
        locked.status = OrderStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancel_reason = reason
        locked.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            object_repr=_repr(locked),
            changes={"status": [old, OrderStatus.CANCELLED]},
            reason=reason,
        )
        if locked.volunteer_user_id and locked.volunteer_user_id != getattr(actor, "pk", None):
            notify(
                recipient=locked.volunteer_user,
                title=_("服务需求已取消：%(r)s") % {"r": _repr(locked)},
                body=reason,
                link=order_link(locked),
                level="warning",
            )
    return _sync(order, locked)


def order_phone_for_assignee(*, actor, order) -> str:
    """The requester's phone in clear for the volunteer who took the order (she has to
    call the resident), audited as a reveal; staff see the masked number like any other
    phone on file. Empty when the order has no phone."""
    if not order.requester_phone_encrypted:
        return ""
    from bastion.core import crypto
    from bastion.core.audit import Action, audit_record

    audit_record(
        actor=actor,
        action=Action.REVEAL,
        obj=order,
        changes={"field": "requester_phone"},
        reason="接单志愿者联系点单人",
    )
    return crypto.decrypt(order.requester_phone_encrypted)
