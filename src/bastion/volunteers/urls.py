"""Pages of the volunteers app, mounted at /volunteers/ (namespace "volunteers"); "volunteers:home" is its landing page."""

from __future__ import annotations

app_name = "volunteers"
urlpatterns: list = []
