"""Pages of the party app, mounted at /party/ (namespace "party"); "party:home" is its landing page."""

from __future__ import annotations

app_name = "party"
urlpatterns: list = []
