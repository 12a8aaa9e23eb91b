"""Alerts, home services, the person timeline and the monitoring view (alerts helper)."""

from __future__ import annotations

from django.urls import path

from bastion.monitoring.views import alerts, monitor

urlpatterns = [
    path("alerts/", alerts.alert_list, name="alert_list"),
    path("alerts/<uuid:public_id>/", alerts.alert_detail, name="alert_detail"),
    path(
        "alerts/<uuid:public_id>/acknowledge/", alerts.alert_acknowledge, name="alert_acknowledge"
    ),
    path("alerts/<uuid:public_id>/resolve/", alerts.alert_resolve, name="alert_resolve"),
    path("services/", alerts.service_list, name="service_list"),
    path("services/<uuid:public_id>/assign/", alerts.service_assign, name="service_assign"),
    path("services/<uuid:public_id>/status/", alerts.service_status, name="service_status"),
    path(
        "observations/<uuid:public_id>/services/new/",
        alerts.service_create,
        name="service_create",
    ),
    path("observations/<uuid:public_id>/timeline/", monitor.timeline, name="timeline"),
    path("monitor/", monitor.monitor, name="monitor"),
    path("monitor/people/<slug:key>/", monitor.drill, name="monitor_drill"),
    path("monitor/<str:code>/", monitor.monitor, name="monitor_region"),
    path("monitor/<str:code>/people/<slug:key>/", monitor.drill, name="monitor_region_drill"),
]
