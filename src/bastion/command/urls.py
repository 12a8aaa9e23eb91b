"""Pages of the command app, mounted at /command/ (namespace "command"); "command:home" is its landing page."""

from __future__ import annotations

app_name = "command"
urlpatterns: list = []
