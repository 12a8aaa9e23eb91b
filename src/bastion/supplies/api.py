"""The supplies API, mounted at /api/v1/supplies/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["supplies"])
