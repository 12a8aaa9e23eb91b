"""Resident service orders, one module per step: 点单 (a resident asks: through community
staff, the community's public page, or monitoring's home services), 派单 (staff dispatch
to a volunteer) or 接单 (a volunteer accepts from the list), done, 评单 (the requester
rates it once, without login). Orders from monitoring's home services stay in step with
the request there (docs/decisions/0043)."""

from bastion.volunteers.services.orders.common import order_link
from bastion.volunteers.services.orders.handling import (
    order_accept,
    order_cancel,
    order_dispatch,
    order_done,
    order_phone_for_assignee,
    order_release,
)
from bastion.volunteers.services.orders.homeservice import (
    HOME_SERVICE_KINDS,
    order_follow_home_service,
    order_from_home_service,
)
from bastion.volunteers.services.orders.intake import (
    order_create,
    order_create_public,
)
from bastion.volunteers.services.orders.rating import (
    order_rate,
    order_rating_link_issue,
)

__all__ = [
    "HOME_SERVICE_KINDS",
    "order_link",
    "order_create",
    "order_create_public",
    "order_from_home_service",
    "order_follow_home_service",
    "order_dispatch",
    "order_accept",
    "order_release",
    "order_done",
    "order_cancel",
    "order_rating_link_issue",
    "order_rate",
    "order_phone_for_assignee",
]
