"""Admin for users, grants, assignments, tokens and notifications (no personal data listed)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from bastion.access.models import ApiToken, Assignment, Notification, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "region", "org_path")
    raw_id_fields = ("region",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "is_active", "is_staff", "last_login")
    search_fields = ("username", "full_name")
    readonly_fields = ("public_id", "last_login", "date_joined")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Bastion", {"fields": ("public_id", "full_name")}),
    )
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region", "org_path", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "region__code", "region__name")
    raw_id_fields = ("user", "region", "granted_by")
    readonly_fields = ("region_path",)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "path", "created_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "path")
    raw_id_fields = ("user", "region", "household", "person")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    search_fields = ("user__username", "name", "prefix")
    raw_id_fields = ("user",)
    readonly_fields = ("prefix", "key_hash", "last_used_at")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "title", "level", "created_at", "read_at", "emailed_at")
    list_filter = ("level",)
    search_fields = ("recipient__username", "title")
    raw_id_fields = ("recipient",)
