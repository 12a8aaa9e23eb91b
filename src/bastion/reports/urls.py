from __future__ import annotations

from django.urls import path

from bastion.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/records/", views.records, name="records"),
]
