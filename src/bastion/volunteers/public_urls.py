"""Pages of the volunteers app that need no login (rate limited), namespace "volunteers_public"."""

from __future__ import annotations

from django.urls import path

from bastion.volunteers.views import public

app_name = "volunteers_public"
urlpatterns = [
    path("request/<uuid:community>/", public.request_page, name="request"),
    path("rate/<str:token>/", public.rate_page, name="rate"),
]
