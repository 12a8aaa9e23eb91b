"""Pages of the command app that need no login (rate limited), namespace "command_public"."""

from __future__ import annotations

app_name = "command_public"
urlpatterns: list = []
