"""Volunteer tasks: publishing, claims, waiting lists, attendance, hours and points, resident
service orders. One module per aggregate; everything is importable from here."""

from bastion.volunteers.models.claims import (
    Attendance,
    AttendanceOutcome,
    CheckEvent,
    CheckKind,
    CheckMethod,
    Claim,
    ClaimChannel,
    ClaimStatus,
)
from bastion.volunteers.models.config import ResidentVolunteer, TaskKind, VolunteerRules
from bastion.volunteers.models.orders import OrderKind, OrderSource, OrderStatus, ServiceOrder
from bastion.volunteers.models.tasks import (
    LocationKind,
    PublisherKind,
    RiskLevel,
    Task,
    TaskSeries,
    TaskStatus,
)

__all__ = [
    "Attendance",
    "AttendanceOutcome",
    "CheckEvent",
    "CheckKind",
    "CheckMethod",
    "Claim",
    "ClaimChannel",
    "ClaimStatus",
    "LocationKind",
    "OrderKind",
    "OrderSource",
    "OrderStatus",
    "PublisherKind",
    "ResidentVolunteer",
    "RiskLevel",
    "ServiceOrder",
    "Task",
    "TaskKind",
    "TaskSeries",
    "TaskStatus",
    "VolunteerRules",
]
