"""Pages of the party app that need no login (rate limited), namespace "party_public":
the exemplar column (先进典型专栏) at /public/party/."""

from __future__ import annotations

from django.urls import path

from bastion.party.views import exemplars

app_name = "party_public"
urlpatterns = [
    path("", exemplars.public_column, name="column"),
    path("<uuid:public_id>/", exemplars.public_story, name="story"),
    path("<uuid:public_id>/photo/", exemplars.public_photo, name="photo"),
]
