"""Command headquarters: meetings, directives with receipts, notices, incidents, daily forms."""

from bastion.command.models.dailyforms import DailyForm, DailyFormField, DailyReport, FieldKind
from bastion.command.models.directives import (
    OVERDUE,
    OVERDUE_LABEL,
    Directive,
    DirectiveEvent,
    DirectiveStatus,
    DirectiveTarget,
    Priority,
    TargetAction,
    TargetStatus,
)
from bastion.command.models.incidents import (
    OPEN_STATUSES,
    RECEIVING_RANK,
    ExtensionStatus,
    Incident,
    IncidentAction,
    IncidentExtension,
    IncidentGrade,
    IncidentKind,
    IncidentLogEntry,
    IncidentStatus,
)
from bastion.command.models.meetings import Meeting, MeetingDecision, MeetingKind
from bastion.command.models.notices import (
    Notice,
    NoticeKind,
    NoticeReceipt,
    NoticeStatus,
    NoticeTarget,
    NoticeVersion,
)
from bastion.command.models.units import UnitKind

__all__ = [
    "OPEN_STATUSES",
    "OVERDUE",
    "OVERDUE_LABEL",
    "RECEIVING_RANK",
    "DailyForm",
    "DailyFormField",
    "DailyReport",
    "Directive",
    "DirectiveEvent",
    "DirectiveStatus",
    "DirectiveTarget",
    "ExtensionStatus",
    "FieldKind",
    "Incident",
    "IncidentAction",
    "IncidentExtension",
    "IncidentGrade",
    "IncidentKind",
    "IncidentLogEntry",
    "IncidentStatus",
    "Meeting",
    "MeetingDecision",
    "MeetingKind",
    "Notice",
    "NoticeKind",
    "NoticeReceipt",
    "NoticeStatus",
    "NoticeTarget",
    "NoticeVersion",
    "Priority",
    "TargetAction",
    "TargetStatus",
    "UnitKind",
]
