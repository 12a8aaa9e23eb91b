"""The self-report link (/r/<token>/): outside the monitoring namespace, no login."""

from __future__ import annotations

from django.urls import path

from bastion.monitoring.views import selfreport

app_name = "selfreport"
urlpatterns = [
    path("<str:token>/", selfreport.page, name="page"),
    path("<str:token>/service/", selfreport.service, name="service"),
]
