"""The command API, mounted at /api/v1/command/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["command"])
