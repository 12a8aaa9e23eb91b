"""The monitoring API: one Router mounted at /api/v1/monitoring/, one sub-router per aggregate."""

from __future__ import annotations

from ninja import Router

from bastion.monitoring.api import (
    alerts,
    config,
    followups,
    imports,
    monitor,
    observations,
    seats,
)

router = Router()
router.add_router("/", config.router)
router.add_router("/", monitor.router)
router.add_router("/", alerts.router)
router.add_router("/imports", imports.router)
router.add_router("/observations", followups.router)
router.add_router("/observations", observations.router)
router.add_router("/seats", seats.router)
