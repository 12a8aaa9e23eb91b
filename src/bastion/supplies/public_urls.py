"""Pages of the supplies app that need no login (rate limited), namespace "supplies_public":
where every donation went."""

from __future__ import annotations

from django.urls import path

from bastion.supplies.views import public

app_name = "supplies_public"
urlpatterns = [
    path("", public.index, name="index"),
    path("donations/", public.donations, name="donations"),
    path("donations/<uuid:public_id>/", public.donation, name="donation"),
    path("allocations/", public.allocations, name="allocations"),
    path("allocations/<uuid:public_id>/", public.allocation, name="allocation"),
    path("export.csv", public.export_csv, name="export"),
]
