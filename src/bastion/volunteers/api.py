"""The volunteers API, mounted at /api/v1/volunteers/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["volunteers"])
