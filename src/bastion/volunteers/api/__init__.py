"""The volunteers API: one Router mounted at /api/v1/volunteers/, one sub-router per aggregate."""

from __future__ import annotations

from ninja import Router

from bastion.volunteers.api import claims, config, orders, tasks

router = Router(tags=["volunteers"])
router.add_router("/", tasks.router)
router.add_router("/", claims.router)
router.add_router("/", orders.router)
router.add_router("/", config.router)
