"""Shared setups for page and API tests: an allocation at each stage."""

from __future__ import annotations

from bastion.supplies.services.allocations import (
    Approval,
    IssueLine,
    ReceivedLine,
    RequestLine,
    allocation_decide,
    allocation_request,
    shipment_confirm,
    shipment_issue,
)


def requested(county, supplies, *, recipient=None, actor=None):
    return allocation_request(
        actor=actor or county.community,
        recipient=recipient or county.community_a1,
        lines=[
            RequestLine(supplies.masks, "40", "box"),
            RequestLine(supplies.alcohol, "100", "jin"),
        ],
        reason="松雅社区卡口和入户排查用",
    )


def approved(county, supplies, **kw):
    allocation = requested(county, supplies, **kw)
    return allocation_decide(
        actor=county.command,
        allocation=allocation,
        approvals=[Approval(line, line.quantity) for line in allocation.lines.order_by("id")],
        warehouse=supplies.warehouse,
    )


def issued(county, supplies, **kw):
    allocation = approved(county, supplies, **kw)
    shipment = shipment_issue(
        actor=supplies.keeper,
        allocation=allocation,
        lines=[IssueLine(line, line.quantity) for line in allocation.lines.order_by("id")],
    )
    return allocation, shipment


def received_short(county, supplies, **kw):
    """Issued in full; the community confirms 1,900 of 2,000 masks (a shortfall of 100)."""
    allocation, shipment = issued(county, supplies, **kw)
    masks, alcohol = allocation.lines.order_by("id")
    shipment_confirm(
        actor=county.community,
        shipment=shipment,
        lines=[
            ReceivedLine(masks, "1900", "piece", note="2 箱受潮"),
            ReceivedLine(alcohol, "100", "jin"),
        ],
    )
    return allocation, shipment
