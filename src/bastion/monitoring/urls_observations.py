"""Observation, re-screening, list-import and configuration pages (obs helper)."""

from __future__ import annotations

from django.urls import path

from bastion.monitoring.views import observations as views
from bastion.monitoring.views import policy, rescreen, seats

urlpatterns = [
    path("observations/", views.observation_list_view, name="observation_list"),
    path("observations/new/", views.observation_register_view, name="observation_register"),
    path("observations/<uuid:public_id>/", views.observation_detail, name="observation"),
    path(
        "observations/<uuid:public_id>/team/", views.observation_team_edit, name="observation_team"
    ),
    path(
        "observations/<uuid:public_id>/release/",
        views.observation_release_view,
        name="observation_release",
    ),
    path("observations/<uuid:public_id>/end/", views.observation_end_view, name="observation_end"),
    path(
        "observations/<uuid:public_id>/extend/",
        views.observation_extend_view,
        name="observation_extend",
    ),
    path("rescreen/", rescreen.rescreen, name="rescreen"),
    path("arrivals/new/<uuid:person_id>/", rescreen.arrival_new, name="arrival_new"),
    path("lists/import/", rescreen.list_upload, name="list_import"),
    path("lists/import/<uuid:public_id>/", rescreen.list_job, name="list_job"),
    path("lists/import/<uuid:public_id>/run/", rescreen.list_run, name="list_run"),
    path("lists/import/<uuid:public_id>/progress/", rescreen.list_progress, name="list_progress"),
    path("lists/import/<uuid:public_id>/errors/", rescreen.list_errors, name="list_errors"),
    path("config/", policy.config_home, name="config"),
    path("config/policies/new/", policy.policy_edit, name="policy_new"),
    path("config/policies/<uuid:public_id>/", policy.policy_edit, name="policy_edit"),
    path("config/templates/new/", policy.template_edit, name="template_new"),
    path("config/templates/<uuid:public_id>/", policy.template_edit, name="template_edit"),
    path("config/risk-areas/new/", policy.risk_area_edit, name="risk_area_new"),
    path("config/risk-areas/<uuid:public_id>/", policy.risk_area_edit, name="risk_area_edit"),
    path("seats/", seats.seat_list, name="seats"),
    path("seats/<uuid:public_id>/remove/", seats.seat_remove, name="seat_remove"),
]
