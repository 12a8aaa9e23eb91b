"""The party API, mounted at /api/v1/party/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["party"])
