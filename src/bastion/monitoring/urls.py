"""Monitoring pages; each aggregate keeps its own url module so they can grow apart."""

from __future__ import annotations

from django.urls import include, path

app_name = "monitoring"
urlpatterns = [
    path("", include("bastion.monitoring.urls_observations")),
    path("", include("bastion.monitoring.urls_followups")),
    path("", include("bastion.monitoring.urls_alerts")),
]
