"""Project URL wiring only: each app owns its own urls and API router."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from bastion.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("bastion.access.urls")),
    path("people/", include("bastion.people.urls")),
    path("reports/", include("bastion.reports.urls")),
    path("monitoring/", include("bastion.monitoring.urls")),
    path("r/", include("bastion.monitoring.selfreport_urls")),
    path("", include("bastion.geo.urls")),
]
