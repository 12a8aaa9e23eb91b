"""Pages of the campaigns app that need no login (rate limited), namespace "campaigns_public"."""

from __future__ import annotations

app_name = "campaigns_public"
urlpatterns: list = []
