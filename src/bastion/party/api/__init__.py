"""The party API, mounted at /api/v1/party/: one Router, one module per group of aggregates."""

from __future__ import annotations

from ninja import Router

from bastion.party.api import calls, members, organizations, registrations, work

router = Router(tags=["party"])
router.add_router("/", organizations.router)
router.add_router("/", members.router)
router.add_router("/", registrations.router)
router.add_router("/", work.router)
router.add_router("/", calls.router)
