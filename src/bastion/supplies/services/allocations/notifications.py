"""Notifications of an allocation's steps to the people concerned: approvers, the
requester, the warehouse's keepers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.supplies.models import Allocation, AllocationStatus, Shipment


def _users_with(perm: str, *, path: str, org_path: str = "", exclude=None):
    """Active users holding `perm` over a record at `path` / `org_path` (grants above it)."""
    from django.db.models import Q

    from bastion.access.models import RoleAssignment
    from bastion.access.roles import ROLE_PERMISSIONS

    roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    ancestors = _prefixes(path)
    org_ancestors = _prefixes(org_path)
    q = Q(region_path__in=ancestors) if ancestors else Q(pk__in=[])
    if org_ancestors:
        q |= Q(org_path__in=org_ancestors)
    user_ids = (
        RoleAssignment.objects.filter(q, role__in=roles, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=list(user_ids))
    if exclude is not None and getattr(exclude, "pk", None):
        users = users.exclude(pk=exclude.pk)
    return list(users[:50])


def _prefixes(path: str) -> list[str]:
    """ "a/b/c/" -> ["a/", "a/b/", "a/b/c/"]; "/x/y/" -> ["/x/", "/x/y/"]."""
    if not path:
        return []
    lead = "/" if path.startswith("/") else ""
    parts = [p for p in path.split("/") if p]
    return [lead + "".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def _send(users, title: str, link: str) -> None:
    from bastion.access.services import notify

    for user in users:
        notify(recipient=user, title=title, link=link)


def _link(allocation: Allocation) -> str:
    from django.urls import reverse

    return reverse("supplies:allocation_detail", kwargs={"public_id": allocation.public_id})


def _notify_approvers(allocation: Allocation) -> None:
    users = _users_with(
        Perm.ALLOCATION_APPROVE,
        path=allocation.path,
        org_path=allocation.org_path,
        exclude=allocation.requested_by,
    )
    _send(
        users,
        _("物资申请待审批：%(n)s %(r)s") % {"n": allocation.number, "r": allocation.recipient_name},
        _link(allocation),
    )


def _notify_decision(allocation: Allocation) -> None:
    title = _("物资申请 %(n)s：%(s)s") % {
        "n": allocation.number,
        "s": allocation.get_status_display(),
    }
    users = []
    if allocation.requested_by_id and allocation.requested_by.is_active:
        users.append(allocation.requested_by)
    if allocation.warehouse_id and allocation.status != AllocationStatus.REJECTED:
        users += [u for u in allocation.warehouse.keepers.filter(is_active=True) if u not in users]
    _send(users, title, _link(allocation))


def _notify_recipients(allocation: Allocation, shipment: Shipment) -> None:
    users = []
    if allocation.requested_by_id and allocation.requested_by.is_active:
        users.append(allocation.requested_by)
    _send(
        users,
        _("物资已出库，请确认收货：%(n)s") % {"n": shipment.number},
        _link(allocation),
    )


def _notify_shortfall(shipment: Shipment) -> None:
    allocation = shipment.allocation
    users = list(allocation.warehouse.keepers.filter(is_active=True))
    if allocation.decided_by_id and allocation.decided_by.is_active:
        users.append(allocation.decided_by)
    _send(
        users,
        _("收货短缺：%(n)s %(r)s") % {"n": shipment.number, "r": allocation.recipient_name},
        _link(allocation),
    )
