"""Pages of the party app that need no login (rate limited), namespace "party_public"."""

from __future__ import annotations

app_name = "party_public"
urlpatterns: list = []
