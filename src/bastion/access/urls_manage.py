"""Routes of the management pages, included into access/urls.py (namespace "access")."""

from __future__ import annotations

from django.urls import path

from bastion.access import views_manage as v

urlpatterns = [
    path("manage/users/", v.user_list, name="manage_users"),
    path("manage/users/new/", v.user_create, name="manage_user_create"),
    path("manage/users/<uuid:public_id>/", v.user_detail, name="manage_user"),
    path("manage/users/<uuid:public_id>/roles/", v.user_grant, name="manage_grant"),
    path(
        "manage/users/<uuid:public_id>/roles/<uuid:grant_id>/revoke/",
        v.grant_revoke,
        name="manage_grant_revoke",
    ),
    path(
        "manage/users/<uuid:public_id>/deactivate/",
        v.user_active,
        {"action": "deactivate"},
        name="manage_user_deactivate",
    ),
    path(
        "manage/users/<uuid:public_id>/reactivate/",
        v.user_active,
        {"action": "reactivate"},
        name="manage_user_reactivate",
    ),
    path("manage/users/<uuid:public_id>/password/", v.user_password, name="manage_user_password"),
    path("manage/assignments/new/", v.assignment_add, name="manage_assignment_add"),
    path(
        "manage/assignments/<uuid:public_id>/remove/",
        v.assignment_remove,
        name="manage_assignment_remove",
    ),
]
