"""Pages of the campaigns app that need no login (rate limited), namespace "campaigns_public":
the venue check-in page a printed QR code (场所码) opens."""

from __future__ import annotations

from django.urls import path

from bastion.campaigns.views import public

app_name = "campaigns_public"
urlpatterns = [path("c/<str:code>/", public.checkin, name="checkin")]
