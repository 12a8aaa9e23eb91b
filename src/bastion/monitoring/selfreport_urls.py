"""The self-report link (/r/<token>/): outside the monitoring namespace, no login."""

from __future__ import annotations

app_name = "selfreport"
urlpatterns: list = []
