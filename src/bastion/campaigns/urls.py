"""Pages of the campaigns app, mounted at /campaigns/ (namespace "campaigns"); "campaigns:home" is its landing page."""

from __future__ import annotations

app_name = "campaigns"
urlpatterns: list = []
