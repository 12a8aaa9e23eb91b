"""Scoped reads of resident service orders.

Staff see the orders of communities where they hold Perm.VOLUNTEER_VIEW; a volunteer sees
the open orders of the communities where they serve (to accept one) and the orders given
to them. Missing or out of scope: Http404.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from bastion.access.roles import Perm
from bastion.access.scoping import can_on_path, region_paths
from bastion.volunteers.models import OrderStatus, ServiceOrder
from bastion.volunteers.selectors.people import Volunteer, volunteer_of_user
from bastion.volunteers.selectors.places import rules_for
from bastion.volunteers.selectors.tasks import prefix_q

_TOKEN_MIN, _TOKEN_MAX = 30, 64


def rating_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _volunteer_orders_q(volunteer: Volunteer | None, user) -> Q:
    q = Q(volunteer_user=user) if getattr(user, "pk", None) else Q(pk__in=[])
    if volunteer is None:
        return q
    return (
        q
        | Q(volunteer=volunteer.person)
        | (Q(status=OrderStatus.OPEN) & prefix_q("community__path", volunteer.community_paths))
    )


def order_list(*, user) -> QuerySet[ServiceOrder]:
    if not getattr(user, "is_authenticated", False):
        return ServiceOrder.objects.none()
    regions = region_paths(user, Perm.VOLUNTEER_VIEW)
    qs = ServiceOrder.objects.all()
    if regions is not None:
        qs = qs.filter(
            prefix_q("path", regions) | _volunteer_orders_q(volunteer_of_user(user), user)
        )
    return qs.select_related("community", "region", "volunteer", "volunteer_user")


def order_get(*, user, public_id) -> ServiceOrder:
    try:
        return order_list(user=user).get(public_id=public_id)
    except (ServiceOrder.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def order_can_manage(user, order: ServiceOrder) -> bool:
    """Community staff who publish tasks there dispatch, close and cancel its orders."""
    if user is None:
        return True
    return getattr(user, "is_authenticated", False) and can_on_path(
        user, Perm.TASK_PUBLISH, order.path
    )


def order_eligibility_error(volunteer: Volunteer | None, order: ServiceOrder) -> str:
    """Why this volunteer may not take the order ("" when they may)."""
    from django.utils.translation import gettext as _

    if volunteer is None:
        return _("您的账号尚未关联党员或居民志愿者身份，请联系社区")
    community_path = order.community.path
    if volunteer.member is not None and community_path in volunteer.community_paths:
        from bastion.party.selectors import registration_in_force_covering

        if registration_in_force_covering(
            person_id=volunteer.person.pk, region_path=community_path
        ):
            return ""
    resident = volunteer.resident
    if resident is not None and resident.community_id == order.community_id:
        if rules_for(order.path).allow_residents:
            return ""
        return _("本社区暂不接受居民志愿者接单，请联系社区")
    return _("只有在本社区报到的党员或登记的居民志愿者可以接单")


def order_for_rating_token(token: str) -> ServiceOrder | None:
    if not token or not _TOKEN_MIN <= len(token) <= _TOKEN_MAX:
        return None
    return (
        ServiceOrder.objects.select_related("community", "volunteer")
        .filter(rating_token_hash=rating_token_hash(token))
        .first()
    )
