"""The supplies API, mounted at /api/v1/supplies/: one Router, one sub-router per aggregate."""

from __future__ import annotations

from ninja import Router

from bastion.supplies.api import allocations, cash, catalogue, donations, stock, summary

router = Router()
router.add_router("/", catalogue.router)
router.add_router("/", donations.router)
router.add_router("/", stock.router)
router.add_router("/", allocations.router)
router.add_router("/cash", cash.router)
router.add_router("/", summary.router)
