"""Pages of the supplies app that need no login (rate limited), namespace "supplies_public"."""

from __future__ import annotations

app_name = "supplies_public"
urlpatterns: list = []
