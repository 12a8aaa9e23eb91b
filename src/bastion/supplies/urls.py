"""Pages of the supplies app, mounted at /supplies/ (namespace "supplies"); "supplies:home" is its landing page."""

from __future__ import annotations

app_name = "supplies"
urlpatterns: list = []
