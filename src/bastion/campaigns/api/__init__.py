"""The campaigns API, mounted at /api/v1/campaigns/ (one sub-router per area)."""

from __future__ import annotations

from ninja import Router

from bastion.campaigns.api import campaigns, materials, venues

router = Router(tags=["campaigns"])
router.add_router("/", campaigns.router)
router.add_router("/", venues.router)
router.add_router("/", materials.router)
