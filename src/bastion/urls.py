"""Project URL wiring only: each app owns its own urls and API router."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from bastion.api import api

# The database out of reach answers 503 with Retry-After (core.unavailable), not 500.
handler500 = "bastion.core.unavailable.server_error"

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("bastion.access.urls")),
    path("people/", include("bastion.people.urls")),
    path("reports/", include("bastion.reports.urls")),
    path("monitoring/", include("bastion.monitoring.urls")),
    path("party/", include("bastion.party.urls")),
    path("campaigns/", include("bastion.campaigns.urls")),
    path("volunteers/", include("bastion.volunteers.urls")),
    path("supplies/", include("bastion.supplies.urls")),
    path("command/", include("bastion.command.urls")),
    path("field/", include("bastion.field.urls")),
    # Pages without login (rate limited): exemplar column, donation transparency,
    # venue check-in, resident requests.
    path("public/party/", include("bastion.party.public_urls")),
    path("public/campaigns/", include("bastion.campaigns.public_urls")),
    path("public/volunteers/", include("bastion.volunteers.public_urls")),
    path("public/supplies/", include("bastion.supplies.public_urls")),
    path("public/command/", include("bastion.command.public_urls")),
    path("r/", include("bastion.monitoring.selfreport_urls")),
    path("", include("bastion.geo.urls")),
]
