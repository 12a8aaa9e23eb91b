"""Field pages under /field/ (the service worker's scope) and the office's conflict list."""

from __future__ import annotations

from django.urls import path

from bastion.field import views

app_name = "field"

urlpatterns = [
    path("", views.home, name="home"),
    path("today/", views.today, name="today"),
    path("visits/", views.visits, name="visits"),
    path("tasks/", views.tasks, name="tasks"),
    path("incident/", views.incident, name="incident"),
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/<uuid:public_id>/", views.conflict_detail, name="conflict_detail"),
]
