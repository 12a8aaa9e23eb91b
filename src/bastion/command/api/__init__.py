"""The command API, mounted at /api/v1/command/: one Router, one sub-router per aggregate."""

from __future__ import annotations

from ninja import Router

from bastion.command.api import dailyforms, directives, incidents, meetings, notices

router = Router(tags=["command"])
router.add_router("/", directives.router)
router.add_router("/", meetings.router)
router.add_router("/", notices.router)
router.add_router("/", incidents.router)
router.add_router("/", dailyforms.router)
