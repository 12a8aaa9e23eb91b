from __future__ import annotations

from django.urls import path

from bastion.geo import views

app_name = "geo"
urlpatterns = [
    path("", views.home, name="home"),
    path("regions/", views.region_search, name="regions"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("grids/<str:code>/", views.grid_detail, name="grid"),
]
