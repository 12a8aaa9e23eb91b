"""Shared by the order services: the order's link and label, telling the community's
staff, saving a new order, and the row lock."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bastion.access.models import RoleAssignment
from bastion.access.roles import Role
from bastion.access.services import notify
from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_name
from bastion.volunteers.models import ServiceOrder


def order_link(order: ServiceOrder) -> str:
    return reverse("volunteers:order_detail", args=[order.public_id])


def _repr(order: ServiceOrder) -> str:
    return f"{order.get_kind_display()} · {mask_name(order.requester_name)}"


def _notify_staff(order: ServiceOrder, title: str, *, actor=None) -> None:
    """Tell the community's officers (their role granted at the community itself)."""
    grants = RoleAssignment.objects.filter(
        role=Role.COMMUNITY_OFFICER, region_path=order.community.path
    ).select_related("user")
    told: set[int] = set()
    for grant in grants:
        if grant.user_id in told or grant.user_id == getattr(actor, "pk", None):
            continue
        told.add(grant.user_id)
        notify(recipient=grant.user, title=title, link=order_link(order))


def _save_new(order: ServiceOrder, *, actor, notify_staff: bool) -> ServiceOrder:
    order.full_clean()
    with transaction.atomic():
        order.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=order,
            object_repr=_repr(order),
            changes={"kind": [None, order.kind], "source": [None, order.source]},
        )
        if notify_staff:
            _notify_staff(
                order,
                _("新的居民服务需求：%(r)s") % {"r": _repr(order)},
                actor=actor,
            )
    return order


def _lock(order: ServiceOrder) -> ServiceOrder:
    return ServiceOrder.objects.select_for_update().select_related("community").get(pk=order.pk)


def _sync(order: ServiceOrder, locked: ServiceOrder) -> ServiceOrder:
    """Bring the caller's instance up to what was written under the lock."""
    for f in locked._meta.concrete_fields:
        setattr(order, f.attname, getattr(locked, f.attname))
    order._state.fields_cache.clear()
    return locked
