"""Admin for the command app: look, never write. Every change goes through the services
(audited, logged); the step logs and receipts are append-only records."""

from __future__ import annotations

from django.contrib import admin

from bastion.command.models import (
    DailyForm,
    Directive,
    DirectiveEvent,
    Incident,
    IncidentKind,
    IncidentLogEntry,
    Meeting,
    Notice,
    NoticeReceipt,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IncidentLogEntry)
class IncidentLogEntryAdmin(ReadOnlyAdmin):
    list_display = ("incident", "action", "from_status", "to_status", "actor_name", "at")
    list_filter = ("action",)


@admin.register(DirectiveEvent)
class DirectiveEventAdmin(ReadOnlyAdmin):
    list_display = ("target", "action", "from_status", "to_status", "actor_name", "at")
    list_filter = ("action",)


@admin.register(NoticeReceipt)
class NoticeReceiptAdmin(ReadOnlyAdmin):
    list_display = ("target", "version", "reader_name", "read_at")


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "grade", "status", "reported_at", "deadline")
    list_filter = ("status", "grade", "kind")
    search_fields = ("number",)


@admin.register(Directive)
class DirectiveAdmin(ReadOnlyAdmin):
    list_display = ("title", "issuer_name", "priority", "status", "issued_at", "deadline")
    list_filter = ("status", "priority")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "issuer_name", "current_version", "status", "published_at")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "issuer_name", "held_at")


@admin.register(DailyForm)
class DailyFormAdmin(ReadOnlyAdmin):
    list_display = ("name", "deadline_hour", "active")


@admin.register(IncidentKind)
class IncidentKindAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_zh", "default_grade", "active", "order")
