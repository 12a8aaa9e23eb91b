"""Admin for users, grants, assignments, tokens and notifications (no personal data listed).

Grants and assignments are written through access.services (so every one is audited);
the admin may add and delete them, never edit one in place. Tokens are made by their
owners (the key is shown once), so the admin can only look at and revoke them.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext as _

from bastion.access import services
from bastion.access.models import ApiToken, Assignment, Notification, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    """Read-only here: grant or revoke roles on the role assignment pages (audited)."""

    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "region", "org_path")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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


class _ServiceWrittenAdmin(admin.ModelAdmin):
    """Add and delete through a service; no in-place edits; no bulk delete action."""

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(_ServiceWrittenAdmin):
    list_display = ("user", "role", "region", "org_path", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "region__code", "region__name")
    fields = ("user", "role", "region", "org_path")
    raw_id_fields = ("user", "region")

    def save_model(self, request, obj, form, change):
        grant = services.role_assign(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            region=obj.region,
            org_path=obj.org_path,
        )
        obj.pk = grant.pk

    def delete_model(self, request, obj):
        services.role_revoke(actor=request.user, grant=obj)


@admin.register(Assignment)
class AssignmentAdmin(_ServiceWrittenAdmin):
    list_display = ("user", "kind", "path", "created_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "path")
    fields = ("user", "kind", "region", "household", "person")
    raw_id_fields = ("user", "region", "household", "person")

    def save_model(self, request, obj, form, change):
        # A refused assignment (a duplicate) must read as a form error, not a server error:
        # checked here because admin.save_model cannot return errors to the form.
        if Assignment.objects.filter(
            user=obj.user,
            kind=obj.kind,
            region=obj.region,
            household=obj.household,
            person=obj.person,
        ).exists():
            self.message_user(request, _("该用户已负责此对象，未重复添加"), level="warning")
            return
        assignment = services.assignment_create(
            actor=request.user,
            user=obj.user,
            kind=obj.kind,
            region=obj.region,
            household=obj.household,
            person=obj.person,
        )
        obj.pk = assignment.pk

    def delete_model(self, request, obj):
        services.assignment_delete(actor=request.user, assignment=obj)


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
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(actor=request.user, token=token)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "title", "level", "created_at", "read_at", "emailed_at")
    list_filter = ("level",)
    search_fields = ("recipient__username", "title")
    raw_id_fields = ("recipient",)
