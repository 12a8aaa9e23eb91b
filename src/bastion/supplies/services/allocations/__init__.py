"""Allocations, one module per concern: a unit requests, the county command approves fully or
partly, a keeper issues (a shipment drawing lots first-in-first-out or from a chosen lot), the
receiving unit confirms what arrived and notes any shortfall. Permissions: request and confirm
need Perm.ALLOCATION_REQUEST over the recipient (its region or its organization), approve
Perm.ALLOCATION_APPROVE, issue a keeper of the warehouse. Every step notifies the people
concerned."""

from bastion.supplies.services.allocations.decisions import (
    Approval,
    allocation_decide,
)
from bastion.supplies.services.allocations.recipients import (
    RECIPIENT_LEVELS,
    can_approve,
    can_request_for,
    recipient_fields,
)
from bastion.supplies.services.allocations.requests import (
    RequestLine,
    allocation_cancel,
    allocation_request,
)
from bastion.supplies.services.allocations.shipments import (
    IssueLine,
    ReceivedLine,
    shipment_confirm,
    shipment_issue,
)

__all__ = [
    "RECIPIENT_LEVELS",
    "recipient_fields",
    "can_request_for",
    "can_approve",
    "RequestLine",
    "allocation_request",
    "Approval",
    "allocation_decide",
    "allocation_cancel",
    "IssueLine",
    "shipment_issue",
    "ReceivedLine",
    "shipment_confirm",
]
