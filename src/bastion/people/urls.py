from __future__ import annotations

from django.urls import path

from bastion.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_search, name="list"),
    path("duplicates/", views.duplicate_list_view, name="duplicates"),
    path("duplicates/<uuid:public_id>/", views.duplicate_merge, name="duplicate_merge"),
    path("import/", views.import_upload, name="import"),
    path("import/regions/", views.import_upload, {"kind": "regions"}, name="import_regions"),
    path("import/<uuid:public_id>/", views.import_job, name="import_job"),
    path("import/<uuid:public_id>/run/", views.import_run, name="import_run"),
    path("import/<uuid:public_id>/progress/", views.import_progress, name="import_progress"),
    path("import/<uuid:public_id>/errors/", views.import_errors, name="import_errors"),
    path("<uuid:public_id>/", views.person_detail, name="person"),
]
