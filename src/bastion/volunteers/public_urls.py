"""Pages of the volunteers app that need no login (rate limited), namespace "volunteers_public"."""

from __future__ import annotations

app_name = "volunteers_public"
urlpatterns: list = []
