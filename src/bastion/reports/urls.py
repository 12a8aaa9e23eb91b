from __future__ import annotations

from django.urls import path

from bastion.reports import briefing_views, dashboard_views, views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/screen/", dashboard_views.bigscreen, name="bigscreen"),
    path("dashboard/data/<slug:part>.json", dashboard_views.dashboard_data, name="dashboard_data"),
    path(
        "dashboard/export/<slug:table>.xlsx",
        dashboard_views.dashboard_export,
        name="dashboard_export",
    ),
    path("briefings/", briefing_views.briefing_list, name="briefing_list"),
    path("briefings/<uuid:public_id>/", briefing_views.briefing_detail, name="briefing_detail"),
    path("briefings/<uuid:public_id>/edit/", briefing_views.briefing_edit, name="briefing_edit"),
    path(
        "briefings/<uuid:public_id>/regenerate/",
        briefing_views.briefing_regenerate,
        name="briefing_regenerate",
    ),
    path(
        "briefings/<uuid:public_id>/publish/",
        briefing_views.briefing_publish,
        name="briefing_publish",
    ),
    path("briefings/<uuid:public_id>/word/", briefing_views.briefing_word, name="briefing_word"),
    path("<slug:code>/records/", views.records, name="records"),
]
