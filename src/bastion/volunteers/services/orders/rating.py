"""评单: the requester rates a done order once, without login, through a single-use link."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.audit import Action, audit_record
from bastion.volunteers.errors import refuse
from bastion.volunteers.models import OrderStatus, ServiceOrder
from bastion.volunteers.selectors.orders import order_can_manage, order_get, rating_token_hash
from bastion.volunteers.services.orders.common import _lock, _repr, _sync


def order_rating_link_issue(*, actor, order: ServiceOrder) -> str:
    """A new single-use rating link for the requester (the previous one stops working)."""
    if not order_can_manage(actor, order):
        order_get(user=actor, public_id=order.public_id)
        raise PermissionDenied(_("只有社区工作人员可以生成评价链接"))
    if order.rated_at is not None:
        raise ValidationError({"order": [_("该需求已评价")]})
    if order.status == OrderStatus.CANCELLED:
        raise ValidationError({"order": [_("已取消的需求不能评价")]})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        ServiceOrder.objects.filter(pk=order.pk).update(rating_token_hash=rating_token_hash(token))
        order.rating_token_hash = rating_token_hash(token)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=order,
            object_repr=_repr(order),
            changes={"rating_link": "issued"},
        )
    return token


def order_rate(*, order: ServiceOrder, rating, comment: str = "") -> ServiceOrder:
    """评单: the requester rates a done order once (1–5); the link then stops working."""
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError({"rating": [_("评分：请选择1到5颗星")]})
    with transaction.atomic():
        locked = _lock(order)
        if locked.rated_at is not None or not locked.rating_token_hash:
            raise refuse("rating", _("该需求已评价，谢谢！"), "rated")
        if locked.status != OrderStatus.DONE:
            raise refuse("rating", _("服务完成后才能评价"), "not_done")
        locked.rating = value
        locked.rating_comment = (comment or "").strip()[:300]
        locked.rated_at = timezone.now()
        locked.rating_token_hash = ""
        locked.save()
        audit_record(
            actor=None,
            action=Action.UPDATE,
            obj=locked,
            object_repr=_repr(locked),
            changes={"rating": [None, value]},
        )
    return _sync(order, locked)
